import { createServer, Server, Socket } from 'node:net';

/** How the link treats what the broker sends: pass it on, hold each chunk for a while, or hold everything. */
export type LinkMode = { readonly kind: 'pass' } | { readonly kind: 'delay'; readonly ms: number } | { readonly kind: 'frozen' };

interface Pair {
  readonly client: Socket;
  readonly broker: Socket;
  /** Chunks from the broker not yet passed on, each with the time it may leave. */
  readonly held: { at: number; chunk: Buffer }[];
  timer?: NodeJS.Timeout;
}

/**
 * A TCP link between apps and a real broker that can slow down or freeze what the broker sends
 * back — its confirms, its heartbeats — while everything the client sends goes through at once:
 * a broker that confirms late, or a node that hangs without closing its sockets. Order is kept.
 */
export class FaultyLink {
  private mode: LinkMode = { kind: 'pass' };
  private readonly pairs = new Set<Pair>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async open(target: { host: string; port: number }): Promise<FaultyLink> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the link has no TCP port');
    const link = new FaultyLink(server, address.port);
    server.on('connection', (client) => link.connect(client, target));
    return link;
  }

  /** An AMQP URL through this link, for the given broker URL (same credentials and vhost). */
  urlFor(brokerUrl: string): string {
    const url = new URL(brokerUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  setMode(mode: LinkMode): void {
    this.mode = mode;
    for (const pair of this.pairs) this.flush(pair);
  }

  connectionCount(): number {
    return this.pairs.size;
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) this.drop(pair);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private connect(client: Socket, target: { host: string; port: number }): void {
    const broker = new Socket();
    const pair: Pair = { client, broker, held: [] };
    this.pairs.add(pair);
    client.on('data', (chunk) => broker.write(chunk));
    broker.on('data', (chunk) => {
      const delayMs = this.mode.kind === 'delay' ? this.mode.ms : 0;
      pair.held.push({ at: Date.now() + delayMs, chunk });
      this.flush(pair);
    });
    for (const socket of [client, broker]) {
      socket.on('error', () => this.drop(pair));
      socket.on('close', () => this.drop(pair));
    }
    broker.connect(target.port, target.host);
  }

  /** Passes on every held chunk whose time has come, in order, and waits for the next one. */
  private flush(pair: Pair): void {
    clearTimeout(pair.timer);
    if (this.mode.kind === 'frozen') return;
    const now = Date.now();
    while (pair.held.length > 0 && pair.held[0].at <= now) pair.client.write((pair.held.shift() as { chunk: Buffer }).chunk);
    if (pair.held.length > 0) pair.timer = setTimeout(() => this.flush(pair), pair.held[0].at - now);
  }

  private drop(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    clearTimeout(pair.timer);
    pair.client.destroy();
    pair.broker.destroy();
  }
}
