import { PendingPolicy } from './pending-policy';

const ids = Array.from({ length: 10_000 }, (_, index) => `order-${index}`);
const pendingIds = (policy: PendingPolicy) => ids.filter((id) => policy.pends('MNP', id));

describe('PendingPolicy', () => {
  it('pends about its share of MNP orders, the same ones every time', () => {
    const chosen = pendingIds(new PendingPolicy(0.3, 3000));
    expect(chosen.length / ids.length).toBeGreaterThan(0.28);
    expect(chosen.length / ids.length).toBeLessThan(0.32);
    expect(pendingIds(new PendingPolicy(0.3, 3000))).toEqual(chosen);
    expect(chosen.every((id) => new PendingPolicy(0.3, 3000).pends('MNP', id))).toBe(true);
  });

  it('only adds orders as the share grows, so raising it never un-pends one', () => {
    const fewer = new Set(pendingIds(new PendingPolicy(0.1, 3000)));
    const more = new Set(pendingIds(new PendingPolicy(0.3, 3000)));
    expect([...fewer].filter((id) => !more.has(id))).toEqual([]);
  });

  it('pends nothing at share 0, every MNP order at share 1, and never other types', () => {
    expect(pendingIds(new PendingPolicy(0, 3000))).toEqual([]);
    expect(pendingIds(new PendingPolicy(1, 3000))).toEqual(ids);
    expect(ids.some((id) => new PendingPolicy(1, 3000).pends('SUBSCRIPTION', id) || new PendingPolicy(1, 3000).pends('CHANGE', id))).toBe(false);
  });
});
