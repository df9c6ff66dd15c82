import type { ConfirmChannel, Message } from 'amqplib';
import { EventEmitter } from 'node:events';
import { ConfirmSession, OutgoingMessage } from './confirm-session';

type Callback = (error: Error | null) => void;

/** Stands in for amqplib's confirm channel: records publishes, lets the test confirm, return or close them. */
class ScriptedChannel extends EventEmitter {
  readonly published: { options: Record<string, unknown>; callback: Callback; settled: boolean }[] = [];
  closed = false;

  publish(_exchange: string, _key: string, _content: Buffer, options: Record<string, unknown>, callback: Callback): boolean {
    if (this.closed) throw new Error('Channel closed');
    this.published.push({ options, callback, settled: false });
    return true;
  }

  confirm(index: number, error: Error | null = null): void {
    this.published[index].settled = true;
    this.published[index].callback(error);
  }

  returnMessage(messageId: string | undefined): void {
    this.emit('return', { properties: { messageId } } as unknown as Message);
  }

  close(): void {
    this.closed = true;
    for (const publish of this.published.filter((candidate) => !candidate.settled)) publish.callback(new Error('channel closed'));
  }
}

const message = (messageId: string, routingKey = 'order.mnp'): OutgoingMessage => ({
  routingKey,
  queue: 'q',
  content: Buffer.from('{}'),
  properties: { messageId },
});

describe('ConfirmSession', () => {
  let channel: ScriptedChannel;
  let session: ConfirmSession;

  beforeEach(() => {
    channel = new ScriptedChannel();
    session = new ConfirmSession(channel as unknown as ConfirmChannel);
  });

  it('publishes as mandatory and settles on the ack', async () => {
    const sent = session.send('x', message('a'), 1000);
    expect(channel.published[0].options).toMatchObject({ messageId: 'a', mandatory: true });
    channel.confirm(0);
    expect(await sent).toBe('acked');
  });

  it('tells a returned message from an acked one, matching the return by message id', async () => {
    const first = session.send('x', message('a'), 1000);
    const second = session.send('x', message('b'), 1000);
    channel.returnMessage('b');
    channel.confirm(0);
    channel.confirm(1);
    expect(await Promise.all([first, second])).toEqual(['acked', 'returned']);
  });

  it('matches the return of a message without an id (poison on its way to the dead letters) among those without one', async () => {
    const withId = session.send('x', message('a'), 1000);
    const withoutId = session.send('x', { routingKey: '', content: Buffer.from('not json'), properties: {} }, 1000);
    channel.returnMessage(undefined);
    channel.confirm(0);
    channel.confirm(1);
    expect(await Promise.all([withId, withoutId])).toEqual(['acked', 'returned']);
  });

  it('tells a nack from a channel that closed before the confirm', async () => {
    const nacked = session.send('x', message('a'), 1000);
    channel.confirm(0, new Error('message nacked'));
    expect(await nacked).toBe('nacked');
    const cut = session.send('x', message('b'), 1000);
    channel.close();
    expect(await cut).toBe('channel-closed');
  });

  it('answers undefined when the channel is already closed, so nothing was sent', async () => {
    channel.close();
    expect(await session.send('x', message('a'), 1000)).toBeUndefined();
  });

  it('settles a publish at its deadline and still tells what became of it when the confirm comes', async () => {
    jest.useFakeTimers();
    try {
      const late: string[] = [];
      const slow = session.send('x', message('a'), 1000, (settlement) => late.push(settlement));
      jest.advanceTimersByTime(1000);
      expect(await slow).toBe('timed-out');
      expect(late).toEqual([]);
      channel.confirm(0);
      expect(late).toEqual(['acked']);
      const cut = session.send('x', message('b'), 1000, (settlement) => late.push(settlement));
      jest.advanceTimersByTime(1000);
      expect(await cut).toBe('timed-out');
      channel.close();
      expect(late).toEqual(['acked', 'channel-closed']);
    } finally {
      jest.useRealTimers();
    }
  });
});
