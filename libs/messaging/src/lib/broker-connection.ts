import amqp, { AmqpConnectionManager, ChannelWrapper, SetupFunc } from 'amqp-connection-manager';
import type { Channel, ConfirmChannel } from 'amqplib';
import { BrokerLogger, redactUrl, silentBrokerLogger } from './broker-logger';

export interface BrokerConnectionOptions {
  readonly url: string;
  /** Shown in RabbitMQ's connection list, e.g. `producer-api`. */
  readonly clientName: string;
  readonly logger?: BrokerLogger;
  readonly heartbeatSeconds?: number;
  readonly reconnectSeconds?: number;
}

export interface ChannelOptions {
  readonly name: string;
  readonly confirm: boolean;
  readonly setup: (channel: ConfirmChannel) => Promise<void>;
}

/**
 * One AMQP connection that reconnects by itself and re-runs every channel's setup (topology,
 * prefetch, consumers) after each reconnect. A channel the broker closes with a channel-level error
 * while the connection stays up (a deleted exchange, a changed queue argument) would otherwise never
 * come back, so such a close forces a reconnect of the whole connection. A close that comes with the
 * connection's own loss carries no channel error and is left to the normal reconnect.
 */
export class BrokerConnection {
  private readonly manager: AmqpConnectionManager;
  private readonly logger: BrokerLogger;
  private closing = false;
  private readonly deliberatelyClosed = new Set<string>();

  constructor(private readonly options: BrokerConnectionOptions) {
    this.logger = options.logger ?? silentBrokerLogger;
    this.manager = amqp.connect([options.url], {
      heartbeatIntervalInSeconds: options.heartbeatSeconds ?? 5,
      reconnectTimeInSeconds: options.reconnectSeconds ?? 1,
      connectionOptions: { clientProperties: { connection_name: options.clientName }, timeout: 2000 },
    });
    const broker = redactUrl(options.url);
    this.manager.on('connect', () => this.logger.info({ broker }, 'broker connected'));
    this.manager.on('disconnect', ({ err }) =>
      this.logger.warn({ broker, err: err?.message }, 'broker disconnected; reconnecting'),
    );
    this.manager.on('connectFailed', ({ err }) =>
      this.logger.warn({ broker, err: err?.message }, 'broker connection failed; retrying'),
    );
    this.manager.on('blocked', ({ reason }) => this.logger.warn({ broker, reason }, 'broker blocked publishing'));
    this.manager.on('unblocked', () => this.logger.info({ broker }, 'broker unblocked publishing'));
  }

  isConnected(): boolean {
    return this.manager.isConnected();
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
      await options.setup(channel);
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

  /** Closes one channel on purpose, which must not be mistaken for the broker closing it. */
  async closeChannel(name: string, wrapper: ChannelWrapper): Promise<void> {
    this.deliberatelyClosed.add(name);
    await wrapper.close();
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.manager.close();
  }

  private onChannelFailed(name: string): void {
    if (this.closing || this.deliberatelyClosed.has(name) || !this.manager.isConnected()) return;
    this.logger.warn({ channel: name }, 'channel closed by a broker error; reconnecting to restore it');
    this.manager.reconnect();
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
