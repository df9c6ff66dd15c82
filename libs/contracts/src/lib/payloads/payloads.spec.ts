import { EXAMPLE_PAYLOADS } from '../fixtures';
import { ORDER_TYPES, OrderType } from '../order-type';
import { validatePayload } from '../envelope';
import { normalizeMsisdn } from './field-rules';

function fieldsWithErrors(type: OrderType, payload: unknown): string[] {
  const result = validatePayload(type, 'api', payload);
  return result.ok ? [] : result.errors.map((error) => error.field);
}

function withChanges(type: OrderType, changes: Record<string, unknown>) {
  return { ...EXAMPLE_PAYLOADS[type], ...changes };
}

describe('order payloads', () => {
  it.each(ORDER_TYPES)('accepts the example %s payload', (type) => {
    expect(fieldsWithErrors(type, EXAMPLE_PAYLOADS[type])).toEqual([]);
  });

  it.each(ORDER_TYPES)('rejects unknown fields in a %s payload', (type) => {
    const result = validatePayload(type, 'api', withChanges(type, { discount: 100 }));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([
      { field: 'payload.discount', messages: ['unknown field "discount" is not allowed'] },
    ]);
  });

  it.each(ORDER_TYPES)('requires customerId and msisdn in a %s payload', (type) => {
    const { customerId: _c, msisdn: _m, ...rest } = EXAMPLE_PAYLOADS[type];
    expect(fieldsWithErrors(type, rest)).toEqual(expect.arrayContaining(['payload.customerId', 'payload.msisdn']));
  });

  it.each(['010-1234-5678', '01012345678', '011-123-4567', '0161234567', '019-9999-0000'])(
    'accepts the Korean mobile number %s',
    (msisdn) => {
      expect(fieldsWithErrors('SUBSCRIPTION', withChanges('SUBSCRIPTION', { msisdn }))).toEqual([]);
    },
  );

  it.each(['02-123-4567', '+82-10-1234-5678', '010-12345-678', '010 1234 5678', '', 1012345678])(
    'rejects %p as an MSISDN',
    (msisdn) => {
      expect(fieldsWithErrors('SUBSCRIPTION', withChanges('SUBSCRIPTION', { msisdn }))).toEqual(['payload.msisdn']);
    },
  );

  it('rejects malformed customer ids and plan codes', () => {
    const payload = withChanges('SUBSCRIPTION', { customerId: 'cust-1', planCode: '5g standard' });
    expect(fieldsWithErrors('SUBSCRIPTION', payload)).toEqual(['payload.customerId', 'payload.planCode']);
  });

  it('rejects a non-object payload', () => {
    expect(fieldsWithErrors('MNP', 'port my number')).toEqual(['payload']);
    expect(fieldsWithErrors('MNP', [EXAMPLE_PAYLOADS.MNP])).toEqual(['payload']);
  });

  it('rejects a port between the same operator and unknown operator codes', () => {
    expect(fieldsWithErrors('MNP', withChanges('MNP', { recipientOperator: 'KT' }))).toEqual([
      'payload.recipientOperator',
    ]);
    expect(fieldsWithErrors('MNP', withChanges('MNP', { donorOperator: 'ATT' }))).toEqual(['payload.donorOperator']);
  });

  it.each(['2026-02-30', '2026-13-01', '26-12-01', '2026-12-01T00:00:00Z'])('rejects the date %s', (date) => {
    expect(fieldsWithErrors('MNP', withChanges('MNP', { requestedPortDate: date }))).toEqual([
      'payload.requestedPortDate',
    ]);
  });

  it('requires a new holder whose details fit the kind of ownership change', () => {
    const base = EXAMPLE_PAYLOADS.CHANGE;
    expect(fieldsWithErrors('CHANGE', { ...base, newHolder: undefined })).toEqual(['payload.newHolder']);
    for (const notAnObject of [[], [[]], [base['newHolder']], 'C00022222', 7]) {
      expect(fieldsWithErrors('CHANGE', { ...base, newHolder: notAnObject })).toContain('payload.newHolder');
    }
    expect(
      fieldsWithErrors('CHANGE', { ...base, newHolder: { customerId: 'C00022222', name: '김민수' } }),
    ).toEqual(['payload.newHolder']);
    expect(
      fieldsWithErrors('CHANGE', {
        ...base,
        changeKind: 'CORPORATE',
        newHolder: { customerId: 'C00022222', name: '(주)한빛', businessRegistrationNumber: '123-45-67890' },
      }),
    ).toEqual([]);
    expect(
      fieldsWithErrors('CHANGE', { ...base, newHolder: { ...(base['newHolder'] as object), customerId: 'C00011111' } }),
    ).toEqual(['payload.newHolder']);
    expect(
      fieldsWithErrors('CHANGE', { ...base, newHolder: { ...(base['newHolder'] as object), nickname: 'x' } }),
    ).toEqual(['payload.newHolder.nickname']);
  });

  it('requires a known termination reason and an effective date', () => {
    const { effectiveDate: _d, ...withoutDate } = EXAMPLE_PAYLOADS.TERMINATION;
    expect(fieldsWithErrors('TERMINATION', withoutDate)).toEqual(['payload.effectiveDate']);
    expect(fieldsWithErrors('TERMINATION', withChanges('TERMINATION', { reason: 'BORED' }))).toEqual([
      'payload.reason',
    ]);
  });

  it('normalizes MSISDNs to digits', () => {
    expect(normalizeMsisdn('010-1234-5678')).toBe('01012345678');
  });
});
