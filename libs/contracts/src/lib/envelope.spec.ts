import { decodeEnvelope, ENVELOPE_VERSION, encodeEnvelope, OrderEnvelope } from './envelope';
import { EXAMPLE_PAYLOADS } from './fixtures';

const envelope: OrderEnvelope = {
  id: '0b6f9d8e-4f5c-4a57-9b0e-1f0f5d2a9c11',
  type: 'TERMINATION',
  version: ENVELOPE_VERSION,
  acceptedAt: '2026-11-27T10:00:00.000Z',
  correlationId: 'corr-1',
  origin: 'api',
  payload: EXAMPLE_PAYLOADS.TERMINATION,
};

function decodeWith(changes: Record<string, unknown>) {
  return decodeEnvelope(Buffer.from(JSON.stringify({ ...envelope, ...changes })));
}

describe('decodeEnvelope', () => {
  it('round-trips an encoded envelope', () => {
    const decoded = decodeEnvelope(encodeEnvelope(envelope));
    expect(decoded).toEqual({ ok: true, envelope: expect.objectContaining({ id: envelope.id, type: 'TERMINATION' }) });
  });

  it.each([
    [Buffer.from('not json'), 'invalid-json'],
    [Buffer.from('[1]'), 'invalid-json'],
    [Buffer.from([0xff, 0xfe, 0x00]), 'invalid-json'],
  ])('names a body that is not an envelope', (body, defect) => {
    expect(decodeEnvelope(body)).toMatchObject({ ok: false, defect });
  });

  it.each([
    [{ id: '' }, 'missing-id'],
    [{ type: 'FAX' }, 'unknown-type'],
    [{ version: 2 }, 'unsupported-version'],
    [{ acceptedAt: 'yesterday' }, 'invalid-envelope'],
    [{ origin: 'ftp' }, 'invalid-envelope'],
    [{ extra: true }, 'invalid-envelope'],
    [{ payload: { ...EXAMPLE_PAYLOADS.TERMINATION, reason: 'BORED' } }, 'invalid-payload'],
  ])('names the defect of %p', (changes, defect) => {
    expect(decodeWith(changes)).toMatchObject({ ok: false, defect });
  });
});
