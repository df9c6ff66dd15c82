import { ENVELOPE_VERSION, EXAMPLE_PAYLOADS, OrderEnvelope } from '@bss/contracts';
import { envelopePublishOptions, orderPublishOptions } from './order-message';

const envelope: OrderEnvelope = {
  id: 'order-1',
  type: 'MNP',
  version: ENVELOPE_VERSION,
  acceptedAt: '2026-11-27T10:00:00.000Z',
  correlationId: 'corr-1',
  origin: 'api',
  payload: EXAMPLE_PAYLOADS.MNP,
};

describe('order publish options', () => {
  it('publishes a new order persistent, with its id, type, content type, acceptance time, correlation id and first attempt', () => {
    expect(envelopePublishOptions(envelope)).toEqual({
      persistent: true,
      messageId: 'order-1',
      type: 'MNP',
      contentType: 'application/json',
      timestamp: Date.parse('2026-11-27T10:00:00.000Z') / 1000,
      correlationId: 'corr-1',
      headers: { 'x-attempt': 1, 'x-correlation-id': 'corr-1', 'x-order-origin': 'api' },
    });
  });

  it('carries an order\'s properties over to a republished copy, with the copy\'s own headers and TTL only', () => {
    const received = { ...envelopePublishOptions(envelope), deliveryMode: 2, priority: 3, replyTo: 'somewhere', expiration: '1000' };
    expect(orderPublishOptions(received, { headers: { 'x-attempt': 2 }, expiration: '4000' })).toEqual({
      persistent: true,
      messageId: 'order-1',
      type: 'MNP',
      contentType: 'application/json',
      timestamp: Date.parse('2026-11-27T10:00:00.000Z') / 1000,
      correlationId: 'corr-1',
      headers: { 'x-attempt': 2 },
      expiration: '4000',
    });
  });

  it('republishes a message without order properties (poison) persistent, as it came', () => {
    expect(orderPublishOptions({}, { headers: { 'x-dead-letter-reason': 'invalid-json' } })).toEqual({
      persistent: true,
      messageId: undefined,
      type: undefined,
      contentType: undefined,
      timestamp: undefined,
      correlationId: undefined,
      headers: { 'x-dead-letter-reason': 'invalid-json' },
    });
  });
});
