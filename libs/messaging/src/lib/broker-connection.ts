import amqp, { AmqpConnectionManager, ChannelWrapper, SetupFunc } from 'amqp-connection-manager';
import type { Channel, ConfirmChannel } from 'amqplib';
import { BrokerLogger, redactUrl, silentBrokerLogger } from './broker-logger';

export interface BrokerConnectionOptions {
  /** Every node of the cluster (or the one broker); the connection uses whichever answers. */
  readonly urls: readonly string[];
  /** Shown in RabbitMQ's connection list, e.g. `producer-api`. */
  readonly clientName: string;
  readonly logger?: BrokerLogger;
  /** A dead or hung node is noticed after two to three intervals without a frame from it. */
  readonly heartbeatSeconds?: number;
  readonly reconnectSeconds?: number;
  /** Index of the address tried first; by default a random one, so replicas spread over the nodes. */
  readonly firstUrlIndex?: number;
  /** A channel's setup still unfinished after this reconnects the connection (SETUP_DEADLINE_MS). */
  readonly setupDeadlineMs?: number;
}

export interface ChannelOptions {
  readonly name: string;
  readonly confirm: boolean;
  readonly setup: (channel: ConfirmChannel) => Promise<void>;
}

export const DEFAULT_HEARTBEAT_SECONDS = 3;

/**
 * A TCP connect or AMQP handshake that takes longer fails and the next address is tried: a frozen
 * node still completes the TCP handshake (the kernel answers for it) but never speaks AMQP.
 */
const CONNECT_TIMEOUT_MS = 2000;

const CLOSE_TIMEOUT_MS = 3000;

/**
 * At most one forced reconnect a second: a channel error that recurs on every connect (a queue
 * that is missing and not ours to declare) must not turn into a tight reconnect loop.
 */
const FORCED_RECONNECT_INTERVAL_MS = 1000;

/**
 * A channel's setup (topology, prefetch, consume) takes milliseconds on a healthy broker. One that
 * takes this long waits inside the broker — a consume on a queue whose leader hangs is held until
 * the cluster declares that node down, up to a minute and more (net_ticktime) — so the connection
 * is opened again, to the next node, and the setup runs anew: recovery is bounded by this, not by
 * the broker's failure detection.
 */
export const SETUP_DEADLINE_MS = 15_000;

/**
 * One AMQP connection that reconnects by itself, going round the configured nodes, and re-runs
 * every channel's setup (topology, prefetch, consumers) after each reconnect. A channel the broker
 * closes with a channel-level error while the connection stays up (a deleted exchange, a changed
 * queue argument) would otherwise never come back, so such a close forces a reconnect of the whole
 * connection. A close that comes with the connection's own loss carries no channel error and is
 * left to the normal reconnect. It also remembers whether the broker has blocked publishing on
 * this connection (a memory or disk alarm), which publishers must respect.
 */
export class BrokerConnection {
  private readonly manager: AmqpConnectionManager;
  private readonly logger: BrokerLogger;
  private closing = false;
  private lastForcedReconnectMs = Number.NEGATIVE_INFINITY;
  private pendingReconnect?: NodeJS.Timeout;
  private readonly deliberatelyClosed = new Set<string>();
  private blocked?: string;
  private broker?: string;

  constructor(private readonly options: BrokerConnectionOptions) {
    if (options.urls.length === 0) throw new Error('at least one broker URL is required');
    this.logger = options.logger ?? silentBrokerLogger;
    this.manager = amqp.connect(rotated(options.urls, options.firstUrlIndex), {
      heartbeatIntervalInSeconds: options.heartbeatSeconds ?? DEFAULT_HEARTBEAT_SECONDS,
      reconnectTimeInSeconds: options.reconnectSeconds ?? 1,
      // amqplib leaves Nagle's algorithm on: a small frame written while an earlier one is unacked
      // then waits for the broker's delayed ACK (40 ms on Linux), which stalled every small publish
      // (lifecycle events, single orders) behind the one before it.
      connectionOptions: { clientProperties: { connection_name: options.clientName }, timeout: CONNECT_TIMEOUT_MS, noDelay: true },
    });
    this.manager.on('connect', ({ url }) => {
      this.blocked = undefined;
      this.broker = redactUrl(String(url));
      this.logger.info({ broker: this.broker }, 'broker connected');
    });
    this.manager.on('disconnect', ({ err }) => {
      this.blocked = undefined;
      this.logger.warn({ broker: this.broker, err: err?.message }, 'broker disconnected; reconnecting');
      this.broker = undefined;
    });
    this.manager.on('connectFailed', ({ err, url }) =>
      this.logger.warn({ broker: redactUrl(String(url)), err: err?.message }, 'broker connection failed; trying the next address'),
    );
    this.manager.on('blocked', ({ reason }) => {
      this.blocked = reason || 'blocked by the broker';
      this.logger.warn({ broker: this.broker, reason }, 'broker blocked publishing');
    });
    this.manager.on('unblocked', () => {
      this.blocked = undefined;
      this.logger.info({ broker: this.broker }, 'broker unblocked publishing');
    });
  }

  isConnected(): boolean {
    return this.manager.isConnected();
  }

  /** Why the broker blocked publishing on this connection (e.g. `low on memory`), if it did. */
  blockedReason(): string | undefined {
    return this.isConnected() ? this.blocked : undefined;
  }

  /** The node this connection is on, without credentials; for readiness and logs. */
  describe(): { connected: boolean; broker?: string; blocked?: string } {
    const blocked = this.blockedReason();
    return { connected: this.isConnected(), ...(this.broker ? { broker: this.broker } : {}), ...(blocked ? { blocked } : {}) };
  }

  /** Resolves once connected, or rejects after `timeoutMs`; the connection keeps trying either way. */
  async waitForConnection(timeoutMs: number): Promise<void> {
    await this.manager.connect({ timeout: timeoutMs });
  }

  createChannel(options: ChannelOptions): ChannelWrapper {
    const setup: SetupFunc = async (channel: ConfirmChannel) => {
      let failed = false;
      channel.on('error', (err: Error) => {
        failed = true;
        this.logger.warn({ channel: options.name, err: err.message }, 'channel error');
      });
      channel.on('close', () => {
        if (failed) this.onChannelFailed(options.name);
      });
      await this.withinSetupDeadline(options.name, options.setup(channel));
    };
    const wrapper = this.manager.createChannel({ name: options.name, confirm: options.confirm, setup });
    wrapper.on('error', (err: Error) =>
      this.logger.error({ channel: options.name, err: err.message }, 'channel setup failed'),
    );
    return wrapper;
  }

  /**
   * Runs `work` on a short-lived channel of its own, so that a channel error it provokes (such as
   * checking a queue that does not exist) cannot close a channel anything else depends on.
   */
  async withTemporaryChannel<T>(work: (channel: Channel) => Promise<T>): Promise<T> {
    const connection = this.manager.connection;
    if (!connection) throw new Error('broker not connected');
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    try {
      return await work(channel);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  /**
   * Closes one channel on purpose, which must not be mistaken for the broker closing it. amqplib
   * never resolves a channel's close whose connection starts closing before the close-ok arrives (a
   * forced reconnect just then), which would hold a processor's shutdown for ever: past the deadline
   * the channel is left to its connection.
   */
  async closeChannel(name: string, wrapper: ChannelWrapper): Promise<void> {
    this.deliberatelyClosed.add(name);
    if ((await withinCloseDeadline(wrapper.close())) === 'timed out') this.logger.warn({ channel: name }, 'channel close not answered; leaving it to the connection');
  }

  /**
   * amqplib waits for the broker's close-ok without a deadline, and never gets it if the socket
   * dies mid-close (a node failing just as the app stops), which would hold the shutdown forever.
   */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.pendingReconnect);
    if ((await withinCloseDeadline(this.manager.close())) === 'timed out') this.logger.warn({ broker: this.broker }, 'broker did not answer the close; leaving the connection');
  }

  /** Rejects, and reconnects, when the setup has not finished by the deadline; its late outcome is moot. */
  private async withinSetupDeadline(name: string, setup: Promise<void>): Promise<void> {
    const deadlineMs = this.options.setupDeadlineMs ?? SETUP_DEADLINE_MS;
    let timer: NodeJS.Timeout | undefined;
    const overdue = new Promise<'overdue'>((resolve) => (timer = setTimeout(() => resolve('overdue'), deadlineMs)));
    const outcome = await Promise.race([setup, overdue]).finally(() => clearTimeout(timer));
    if (outcome !== 'overdue') return;
    setup.catch(() => undefined);
    this.forceReconnect(`channel setup not finished within ${deadlineMs} ms (held by the broker); reconnecting`, { channel: name });
    throw new Error(`setup of channel ${name} not finished within ${deadlineMs} ms`);
  }

  private onChannelFailed(name: string): void {
    if (this.deliberatelyClosed.has(name)) return;
    this.forceReconnect('channel closed by a broker error; reconnecting to restore it', { channel: name });
  }

  private forceReconnect(why: string, fields: Record<string, unknown>): void {
    if (this.closing || !this.manager.isConnected() || this.pendingReconnect) return;
    const delayMs = Math.max(0, this.lastForcedReconnectMs + FORCED_RECONNECT_INTERVAL_MS - Date.now());
    this.logger.warn({ ...fields, delayMs }, why);
    this.pendingReconnect = setTimeout(() => {
      this.pendingReconnect = undefined;
      if (this.closing) return;
      this.lastForcedReconnectMs = Date.now();
      this.manager.reconnect();
    }, delayMs);
  }
}

/**
 * Closes the connection when the app has shut down (Nest calls `onApplicationShutdown` after
 * consumers and servers are closed). Structural, so messaging stays free of NestJS.
 */
export class BrokerConnectionCloser {
  constructor(private readonly connection: BrokerConnection) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

async function withinCloseDeadline(closing: Promise<unknown>): Promise<'closed' | 'timed out'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timed out'>((resolve) => (timer = setTimeout(() => resolve('timed out'), CLOSE_TIMEOUT_MS)));
  const outcome = await Promise.race([closing.then(() => 'closed' as const, () => 'closed' as const), deadline]);
  clearTimeout(timer);
  return outcome;
}

/** The addresses starting at `first` (random by default) and wrapping round, so every node is tried in turn. */
function rotated(urls: readonly string[], first = Math.floor(Math.random() * urls.length)): string[] {
  const start = ((first % urls.length) + urls.length) % urls.length;
  return [...urls.slice(start), ...urls.slice(0, start)];
}

/** The broker settings as the apps' configuration names them. */
export interface BrokerSettings {
  readonly RABBITMQ_URL: readonly string[];
  readonly RABBITMQ_HEARTBEAT_SEC: number;
}

export function connectionFromSettings(settings: BrokerSettings, clientName: string, logger?: BrokerLogger): BrokerConnection {
  return new BrokerConnection({ urls: settings.RABBITMQ_URL, heartbeatSeconds: settings.RABBITMQ_HEARTBEAT_SEC, clientName, logger });
}
