import { createServer, Server, Socket } from 'node:net';

/** SSLRequest and GSSENCRequest: an untyped message the server answers with one byte; the startup message follows. */
const ENCRYPTION_REQUESTS = new Set([80877103, 80877104]);
const WRITE = /^\s*(INSERT|UPDATE|DELETE)\b/i;

interface Pair {
  readonly client: Socket;
  readonly server: Socket;
  /** What the client sent that does not make a whole message yet. */
  pending: Buffer;
  /** Until the startup message, messages carry no type byte. */
  started: boolean;
}

/**
 * A TCP link to the real PostgreSQL that can take the database away without touching the server
 * (which other tests share): once down, it cuts every connection through it and closes each new one
 * as soon as it is accepted, as a database host going away does.
 *
 * `goDownOnFirstWrite` keeps it up until a client sends its first INSERT, UPDATE or DELETE and brings
 * it down before that statement reaches the server. A database that is down from the start would not
 * do: the ops console migrates its schema before it consumes anything, and one that cannot reach its
 * database exits there. With this link it starts, takes its dead letters, and loses the database the
 * moment it tries to store the first one. It reads the client's side of the protocol only as far as
 * each message's SQL (simple Query, Parse); plaintext connections only (no sslmode).
 */
export class PostgresLink {
  private state: 'up' | 'down-on-first-write' | 'down' = 'up';
  private readonly pairs = new Set<Pair>();

  private constructor(
    private readonly listener: Server,
    readonly port: number,
  ) {}

  static async open(target: { host: string; port: number }): Promise<PostgresLink> {
    const listener = createServer();
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const address = listener.address();
    if (address === null || typeof address === 'string') throw new Error('the link has no TCP port');
    const link = new PostgresLink(listener, address.port);
    listener.on('connection', (client) => link.connect(client, target));
    return link;
  }

  /** A database URL through this link, for the given one (same user, password and database). */
  urlFor(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  /** Up again, until a client's first write. */
  goDownOnFirstWrite(): void {
    this.state = 'down-on-first-write';
  }

  isDown(): boolean {
    return this.state === 'down';
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) this.drop(pair);
    await new Promise<void>((resolve) => this.listener.close(() => resolve()));
  }

  private goDown(): void {
    this.state = 'down';
    for (const pair of this.pairs) this.drop(pair);
  }

  private connect(client: Socket, target: { host: string; port: number }): void {
    if (this.state === 'down') {
      client.destroy();
      return;
    }
    const server = new Socket();
    const pair: Pair = { client, server, pending: Buffer.alloc(0), started: false };
    this.pairs.add(pair);
    client.on('data', (chunk) => this.fromClient(pair, chunk));
    server.on('data', (chunk) => client.write(chunk));
    for (const socket of [client, server]) {
      socket.on('error', () => this.drop(pair));
      socket.on('close', () => this.drop(pair));
    }
    server.connect(target.port, target.host);
  }

  /** Passes on each whole message, unless it is the write that takes the database down. */
  private fromClient(pair: Pair, chunk: Buffer): void {
    pair.pending = Buffer.concat([pair.pending, chunk]);
    for (;;) {
      const message = nextMessage(pair);
      if (!message) return;
      if (this.state === 'down-on-first-write' && message.sql !== undefined && WRITE.test(message.sql)) {
        this.goDown();
        return;
      }
      if (!this.pairs.has(pair)) return;
      pair.server.write(message.bytes);
    }
  }

  private drop(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    pair.client.destroy();
    pair.server.destroy();
  }
}

/** Takes the next whole frontend message off `pair.pending`, with its SQL if it carries any. */
function nextMessage(pair: Pair): { bytes: Buffer; sql?: string } | undefined {
  const buffer = pair.pending;
  const typed = pair.started;
  const header = typed ? 5 : 4;
  if (buffer.length < header) return undefined;
  // A typed message's length counts itself but not its type byte; an untyped one's counts itself.
  const size = typed ? 1 + buffer.readInt32BE(1) : buffer.readInt32BE(0);
  if (buffer.length < size) return undefined;
  const bytes = buffer.subarray(0, size);
  pair.pending = buffer.subarray(size);
  if (!typed) {
    pair.started = !ENCRYPTION_REQUESTS.has(bytes.readInt32BE(4));
    return { bytes };
  }
  const body = bytes.subarray(5);
  const cString = (from: number) => body.toString('utf8', from, Math.max(from, body.indexOf(0, from)));
  switch (String.fromCharCode(bytes[0])) {
    case 'Q':
      return { bytes, sql: cString(0) };
    case 'P':
      // Parse: the statement's name, then its SQL.
      return { bytes, sql: cString(body.indexOf(0) + 1) };
    default:
      return { bytes };
  }
}
