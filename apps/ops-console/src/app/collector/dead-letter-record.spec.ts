import { recordFromMessage } from './dead-letter-record';

const envelope = { id: 'order-1', type: 'MNP', version: 1, correlationId: 'corr-1', payload: {} };

function message(headers: Record<string, unknown>, content: Buffer = Buffer.from(JSON.stringify(envelope)), properties: Record<string, unknown> = {}) {
  return { content, properties: { headers, messageId: 'order-1', type: 'MNP', contentType: 'application/json', ...properties } } as never;
}

const ours = {
  'x-dead-letter-reason': 'retries-exhausted',
  'x-last-error': 'backend answered 500',
  'x-attempts': 4,
  'x-dead-lettered-at': '2026-11-27T10:00:00.000Z',
  'x-first-failure-at': '2026-11-27T09:59:00.000Z',
  'x-source-queue': 'bss.orders.mnp',
  'x-correlation-id': 'corr-1',
};

describe('recordFromMessage', () => {
  it('reads what our consumers write on a dead letter', () => {
    expect(recordFromMessage(message(ours))).toMatchObject({
      orderId: 'order-1',
      orderType: 'MNP',
      reason: 'retries-exhausted',
      lastError: 'backend answered 500',
      attempts: 4,
      deadLetteredAt: '2026-11-27T10:00:00.000Z',
      firstFailureAt: '2026-11-27T09:59:00.000Z',
      sourceQueue: 'bss.orders.mnp',
      correlationId: 'corr-1',
      properties: { messageId: 'order-1', type: 'MNP', contentType: 'application/json' },
    });
  });

  it('gives a redelivery the same dedup key, and a later dead-lettering of the same order another', () => {
    const first = recordFromMessage(message(ours));
    expect(recordFromMessage(message(ours)).dedupKey).toBe(first.dedupKey);
    expect(recordFromMessage(message({ ...ours, 'x-dead-lettered-at': '2026-11-27T11:00:00.000Z' })).dedupKey).not.toBe(first.dedupKey);
  });

  it("reads the broker's own dead-lettering (delivery limit) from x-death", () => {
    const record = recordFromMessage(
      message({ 'x-first-death-reason': 'delivery_limit', 'x-death': [{ reason: 'delivery_limit', queue: 'bss.orders.change', time: { '!': 'timestamp', value: 1_795_000_000 } }] }, Buffer.from('{}'), { type: undefined, messageId: undefined }),
    );
    expect(record).toMatchObject({ reason: 'delivery_limit', sourceQueue: 'bss.orders.change', orderType: 'CHANGE', orderId: null, deadLetteredAt: new Date(1_795_000_000_000).toISOString() });
  });

  it('stores a poison message whose type nothing tells as UNKNOWN', () => {
    const record = recordFromMessage(message({ 'x-dead-letter-reason': 'invalid-json' }, Buffer.from('not json'), { type: undefined, messageId: undefined }));
    expect(record).toMatchObject({ orderType: 'UNKNOWN', orderId: null, reason: 'invalid-json' });
    expect(record.deadLetteredAt).toMatch(/^unknown:/);
  });
});
