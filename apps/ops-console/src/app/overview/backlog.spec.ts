import { backlogOf, drainTime, gaugeValueOf, TRACKING_UNAVAILABLE } from './backlog';

const at = Date.parse('2026-12-01T10:00:00Z');

describe('drainTime', () => {
  it('is the depth over the drain rate', () => {
    expect(drainTime(120, 40)).toEqual({ seconds: 3 });
    expect(drainTime(10, 3)).toEqual({ seconds: 3.3 });
  });

  it('is 0 for an empty queue, whatever the rate', () => {
    expect(drainTime(0, 0)).toEqual({ seconds: 0 });
    expect(drainTime(0, null)).toEqual({ seconds: 0 });
  });

  it('is infinite, not a number, for a queue that does not drain', () => {
    expect(drainTime(5, 0)).toEqual({ seconds: null, reason: 'not draining (drain rate 0/s)', infinite: true });
  });

  it('is unknown while no drain rate is measured', () => {
    expect(drainTime(5, null)).toEqual({ seconds: null, reason: 'no drain rate measured yet' });
  });
});

describe('backlogOf', () => {
  const waiting = { waiting: [{ type: 'MNP' as const, waiting: 3, oldestAcceptedAt: '2026-12-01T09:58:30.000Z' }] };

  it('ages the oldest waiting order from its accepted time to the sample', () => {
    expect(backlogOf('MNP', at, 80, 40, waiting)).toEqual({ waitingOrders: 3, oldestAge: { seconds: 90 }, drainTime: { seconds: 2 } });
  });

  it('is 0 old when nothing of the type waits', () => {
    expect(backlogOf('CHANGE', at, 0, 0, waiting)).toEqual({ waitingOrders: 0, oldestAge: { seconds: 0 }, drainTime: { seconds: 0 } });
  });

  it('never ages an order negatively when the producer clock is ahead', () => {
    expect(backlogOf('MNP', at, 0, 0, { waiting: [{ type: 'MNP', waiting: 1, oldestAcceptedAt: '2026-12-01T10:00:02.000Z' }] }).oldestAge).toEqual({ seconds: 0 });
  });

  it('says why the age is unknown: the store is unavailable, not sampled, or accepted times missing', () => {
    const down = backlogOf('MNP', at, 7, 1, { unavailable: 'connect ECONNREFUSED' });
    expect(down).toEqual({ waitingOrders: null, oldestAge: { seconds: null, reason: TRACKING_UNAVAILABLE }, drainTime: { seconds: 7 } });
    expect(backlogOf('MNP', at, 0, null, undefined).oldestAge).toEqual({ seconds: null, reason: 'not sampled yet' });
    expect(backlogOf('MNP', at, 0, null, { waiting: [{ type: 'MNP', waiting: 2 }] })).toMatchObject({
      waitingOrders: 2,
      oldestAge: { seconds: null, reason: 'accepted times not recorded yet' },
    });
  });
});

describe('gaugeValueOf', () => {
  it('is +Inf for a backlog that never drains and NaN for one not known', () => {
    expect(gaugeValueOf({ seconds: 4.5 })).toBe(4.5);
    expect(gaugeValueOf(drainTime(5, 0))).toBe(Number.POSITIVE_INFINITY);
    expect(gaugeValueOf(drainTime(5, null))).toBeNaN();
  });
});
