import type { ConfirmChannel, Message, Options } from 'amqplib';

/** A message to publish, and the bounded queue it must land in, if it goes to one. */
export interface OutgoingMessage {
  readonly routingKey: string;
  /** The bounded queue the routing key leads to: a nack is judged by whether this queue is full. */
  readonly queue?: string;
  readonly content: Buffer;
  /**
   * `messageId` is how a returned (unroutable) message is matched to its publish; an order always
   * has one, and the few messages without one (poison on its way to the dead letters) are matched
   * among themselves.
   */
  readonly properties: Options.Publish;
}

/** What became of one publish: confirmed, returned as unroutable, nacked, cut off, or past its deadline. */
export type Settlement = 'acked' | 'returned' | 'nacked' | 'channel-closed' | 'timed-out';

/** One publish on one channel, until its confirm, its return or its deadline. */
interface Tracked {
  readonly messageId: string;
  returned: boolean;
}

/** What became of a publish whose deadline had passed, once the broker (or the closing channel) said. */
export type LateSettlement = Exclude<Settlement, 'timed-out'>;

/**
 * The publishes in flight on one confirm channel; a new channel gets a new session. A publish
 * settles once: with its confirm, its return, a nack, the channel's close, or its deadline — and
 * past the deadline `onLate` still learns what became of it.
 */
export class ConfirmSession {
  private readonly awaitingReturn = new Map<string, Tracked[]>();

  constructor(readonly channel: ConfirmChannel) {
    channel.on('return', (message: Message) => this.onReturn(message));
  }

  /** Resolves with what became of the message; `undefined` if it could not even be written (channel closed). */
  send(exchange: string, message: OutgoingMessage, timeoutMs: number, onLate?: (settlement: LateSettlement) => void): Promise<Settlement | undefined> {
    return new Promise((resolve) => {
      const tracked: Tracked = { messageId: returnKeyOf(message.properties.messageId), returned: false };
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        resolve('timed-out');
      }, timeoutMs);
      this.expectReturn(tracked);
      try {
        // mandatory: a message no queue takes is returned before its ack, instead of acked and dropped.
        this.channel.publish(exchange, message.routingKey, message.content, { ...message.properties, mandatory: true }, (error) => {
          clearTimeout(timer);
          this.forget(tracked);
          const settlement: LateSettlement = error ? (error.message === 'message nacked' ? 'nacked' : 'channel-closed') : tracked.returned ? 'returned' : 'acked';
          if (late) onLate?.(settlement);
          else resolve(settlement);
        });
      } catch {
        clearTimeout(timer);
        this.forget(tracked);
        resolve(undefined);
      }
    });
  }

  private expectReturn(tracked: Tracked): void {
    const list = this.awaitingReturn.get(tracked.messageId);
    if (list) list.push(tracked);
    else this.awaitingReturn.set(tracked.messageId, [tracked]);
  }

  private forget(tracked: Tracked): void {
    const list = this.awaitingReturn.get(tracked.messageId);
    if (!list) return;
    list.splice(list.indexOf(tracked), 1);
    if (list.length === 0) this.awaitingReturn.delete(tracked.messageId);
  }

  /** Returns come in publish order, before the ack of the same message. */
  private onReturn(message: Message): void {
    const candidate = this.awaitingReturn.get(returnKeyOf(message.properties.messageId))?.find((tracked) => !tracked.returned);
    if (candidate) candidate.returned = true;
  }
}

function returnKeyOf(messageId: unknown): string {
  return messageId === undefined || messageId === null ? '' : String(messageId);
}
