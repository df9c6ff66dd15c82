import type { ChannelWrapper } from 'amqp-connection-manager';
import { setTimeout as sleep } from 'node:timers/promises';
import { BrokerConnection } from './broker-connection';
import { ConfirmSession, LateSettlement, OutgoingMessage } from './confirm-session';
import { PublishOutcomeUnknownError, PublishRefusedError } from './errors';

export interface ConfirmedChannelOptions {
  /** Its name in logs, unique per connection. */
  readonly name: string;
  /** Longest wait for the broker's confirm; past it the outcome is unknown. */
  readonly confirmTimeoutMs: number;
  /** Runs on every (re)connect before the channel may publish: the topology declaration. */
  readonly beforeReady?: () => Promise<void>;
  /**
   * Whether `queue` is at its bound, answered within `withinMs` (false when not known by then). Only
   * then is a nack a definite refusal; without this every nack is of unknown outcome.
   */
  readonly isQueueFull?: (queue: string, withinMs: number) => Promise<boolean>;
}

/** How often a publish that waits for the channel to be able to send looks again. */
const SENDABLE_POLL_MS = 100;

/**
 * One confirm channel, and the one way messages are published with a confirm here (intake, retries,
 * deferrals, dead letters, replays). A publish resolves only once the broker confirmed it; every
 * failure says which of two things happened: PublishRefusedError — the broker does not have the
 * message and never will (nothing was sent, or it was refused for certain); PublishOutcomeUnknownError
 * — it was sent, but no confirm says whether it was stored. Publishes go straight to the amqplib
 * channel rather than through the connection manager's queue, which would hold a message across a
 * reconnect and send it after its caller was told it failed.
 */
export class ConfirmedChannel {
  private readonly wrapper: ChannelWrapper;
  private session?: ConfirmSession;
  private doubted = false;
  private probing = false;

  constructor(
    private readonly connection: BrokerConnection,
    private readonly options: ConfirmedChannelOptions,
  ) {
    this.wrapper = connection.createChannel({
      name: options.name,
      confirm: true,
      setup: async (channel) => {
        this.session = undefined;
        let closed = false;
        channel.once('close', () => {
          closed = true;
          if (this.session?.channel === channel) this.session = undefined;
        });
        await options.beforeReady?.();
        if (!closed) this.session = new ConfirmSession(channel);
      },
    });
  }

  /** Why a publish made now would be refused without being sent, if it would. */
  refusalBeforeSending(): PublishRefusedError | undefined {
    if (!this.connection.isConnected()) return new PublishRefusedError('broker-unavailable', 'the message broker is not connected');
    if (!this.session) return new PublishRefusedError('broker-unavailable', 'the topology is not declared yet on the broker connection');
    const blocked = this.connection.blockedReason();
    if (blocked) return new PublishRefusedError('broker-blocked', `the broker has blocked publishing (${blocked})`);
    return undefined;
  }

  /** Publishes now, or fails at once if it cannot be sent now: for callers that answer someone waiting. */
  async publish(exchange: string, message: OutgoingMessage): Promise<void> {
    const refusal = this.refusalBeforeSending();
    if (refusal) throw refusal;
    const session = this.session as ConfirmSession;
    const probe = { holds: false };
    if (this.doubted) {
      if (this.probing) {
        throw new PublishRefusedError('broker-not-confirming', 'the broker has not confirmed an earlier order of this type in time; this one was not sent');
      }
      this.holdProbe(probe);
    }
    const startedAt = performance.now();
    const settlement = await session.send(exchange, message, this.options.confirmTimeoutMs, (late) => this.learn(late, probe));
    if (settlement !== 'timed-out') this.learn(settlement, probe);
    switch (settlement) {
      case 'acked':
        return;
      case undefined:
        throw new PublishRefusedError('broker-unavailable', 'the channel to the broker closed before the order was sent');
      case 'returned':
        throw new PublishRefusedError('unroutable', `no queue is bound for ${message.routingKey} at ${exchange}: the broker dropped the order`);
      case 'timed-out':
        // Still in flight: until its late confirm comes it is the probe, unless another one already is.
        this.doubted = true;
        if (!this.probing) this.holdProbe(probe);
        throw new PublishOutcomeUnknownError('confirm-timeout', `the broker did not confirm within ${this.options.confirmTimeoutMs} ms`);
      case 'channel-closed':
        throw new PublishOutcomeUnknownError('connection-lost', 'the connection to the broker closed before its confirm');
      case 'nacked': {
        const remainingMs = this.options.confirmTimeoutMs - (performance.now() - startedAt);
        if (message.queue && this.options.isQueueFull && (await this.options.isQueueFull(message.queue, remainingMs))) {
          throw new PublishRefusedError('queue-full', 'the order queue is full; the broker refused the order');
        }
        this.doubted = true;
        throw new PublishOutcomeUnknownError('ambiguous-nack', 'the broker nacked the order while its queue was not full');
      }
    }
  }

  /**
   * Publishes as soon as the channel can send — connected, open, not blocked, no earlier publish
   * still probing a broker in doubt — for callers that hold something until it is published (a
   * consumer's unacked delivery): refusing them at once would only hand the message back to be tried
   * again at full speed. Stops waiting, refused, once `stillWanted` says no.
   */
  async publishWhenSendable(exchange: string, message: OutgoingMessage, stillWanted: () => boolean): Promise<void> {
    for (;;) {
      const refusal = this.refusalBeforeSending() ?? this.probeRefusal();
      if (!refusal) break;
      if (!stillWanted()) throw refusal;
      await sleep(SENDABLE_POLL_MS);
    }
    await this.publish(exchange, message);
  }

  async close(): Promise<void> {
    await this.connection.closeChannel(this.options.name, this.wrapper);
  }

  private probeRefusal(): PublishRefusedError | undefined {
    return this.doubted && this.probing ? new PublishRefusedError('broker-not-confirming', 'an earlier publish is still waiting for its confirm') : undefined;
  }

  private holdProbe(probe: { holds: boolean }): void {
    this.probing = true;
    probe.holds = true;
  }

  /**
   * Trust in the broker: a publish that went unconfirmed (deadline passed, channel cut, ambiguous
   * nack) puts the channel in doubt, and a confirm restores it. While in doubt one publish at a time
   * probes the broker and the others are refused without being sent — over a reconnect too, since a
   * new connection to a broker that cannot confirm (a queue without its majority) would otherwise
   * send a whole second's worth of orders into the unknown again. Only the probe's own settlement
   * lets the next probe go.
   */
  private learn(settlement: LateSettlement | undefined, probe: { holds: boolean }): void {
    if (probe.holds) {
      this.probing = false;
      probe.holds = false;
    }
    if (settlement === 'acked') this.doubted = false;
    else if (settlement === 'channel-closed') this.doubted = true;
  }
}
