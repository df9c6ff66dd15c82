import { Agent as HttpAgent, ClientRequest, IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, RequestOptions, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { urlToHttpOptions } from 'node:url';

/**
 * Bytes of an answer kept for its message; the rest is read and dropped, so a runaway body costs no
 * memory and the connection stays usable for the next call.
 */
const MAX_KEPT_ANSWER_BYTES = 64 * 1024;

/**
 * An idle connection is closed after this long, before the 5 s keep-alive timeout of a default Node
 * server, so a reused connection is never one the server is closing (a shorter Keep-Alive hint from
 * the server wins).
 */
const DEFAULT_IDLE_SOCKET_MS = 4_000;

export interface KeepAliveHttpOptions {
  /**
   * Connections open at once; calls beyond it wait for a free one. Size it to the calls that can be
   * in flight (a processor's concurrency); unbounded when absent, like fetch.
   */
  readonly maxSockets?: number;
  readonly idleSocketMs?: number;
  /** Certificates to trust besides the system's, for an https backend with a private CA. */
  readonly ca?: string | Buffer;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body as text, at most MAX_KEPT_ANSWER_BYTES; empty when the body could not be read. */
  readonly text: Promise<string>;
}

/** Where requests go: host, port and path of one URL, resolved once. */
export type HttpTarget = Readonly<RequestOptions>;

export function httpTargetOf(url: string): HttpTarget {
  const { protocol, hostname, port, path } = urlToHttpOptions(new URL(url));
  return { protocol, hostname, port, path };
}

/**
 * POSTs over a pool of keep-alive connections (http or https, by the protocol given): one TCP (and
 * TLS) handshake per connection instead of per call, and no per-call streams beyond Node's own.
 */
export class KeepAliveHttp {
  private readonly agent: HttpAgent;
  private readonly send: (options: RequestOptions) => ClientRequest;

  constructor(protocol: string, options: KeepAliveHttpOptions) {
    const agentOptions = {
      keepAlive: true,
      ...(options.maxSockets === undefined ? {} : { maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets }),
      // An agent's timeout closes idle connections only; a call in progress is bounded by its signal.
      timeout: options.idleSocketMs ?? DEFAULT_IDLE_SOCKET_MS,
    };
    const secure = protocol === 'https:';
    this.agent = secure ? new HttpsAgent({ ...agentOptions, ca: options.ca }) : new HttpAgent(agentOptions);
    this.send = secure ? httpsRequest : httpRequest;
  }

  /**
   * Resolves with the status once the answer's headers arrive (its body keeps being read); rejects
   * with the socket error (`code` ECONNREFUSED...) or, when the signal aborts first, its reason.
   * Aborting later still stops reading the body.
   */
  post(target: HttpTarget, headers: OutgoingHttpHeaders, body: string, signal: AbortSignal): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const request = this.send({
        ...target,
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        agent: this.agent,
      });
      // One listener instead of the `signal` option, whose end-of-stream tracking costs more per call.
      const abort = () => request.destroy(signal.reason);
      signal.addEventListener('abort', abort);
      request.on('close', () => signal.removeEventListener('abort', abort));
      request.on('response', (response) => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: readKeptText(response) }));
      request.on('error', reject);
      request.end(body);
    });
  }

  /** Closes every connection, idle or not. */
  close(): void {
    this.agent.destroy();
  }
}

function readKeptText(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    response.on('data', (chunk: Buffer) => {
      if (kept >= MAX_KEPT_ANSWER_BYTES) return;
      chunks.push(chunk);
      kept += chunk.length;
    });
    response.on('end', () => resolve(withoutByteOrderMark(Buffer.concat(chunks).subarray(0, MAX_KEPT_ANSWER_BYTES).toString('utf8'))));
    // Before 'end', these mean the body was cut off: no message rather than half of one.
    response.on('error', () => resolve(''));
    response.on('close', () => resolve(''));
  });
}

function withoutByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
