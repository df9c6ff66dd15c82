import { ReplicaCounterTotals } from './replica-counter-totals';

const FORGET_AFTER_MS = 4000;
const readings = (entries: Record<string, Record<string, number>>) =>
  new Map(Object.entries(entries).map(([replica, values]) => [replica, new Map(Object.entries(values))]));

describe('ReplicaCounterTotals', () => {
  it('adds up the increases of every replica', () => {
    const totals = new ReplicaCounterTotals(FORGET_AFTER_MS);
    expect(totals.update(readings({ a: { MNP: 10 }, b: { MNP: 5 } }), 0).get('MNP')).toBe(0);
    expect(totals.update(readings({ a: { MNP: 30 }, b: { MNP: 15 } }), 1000).get('MNP')).toBe(30);
  });

  it('counts the new value of a replica whose counter went down (restarted), never a decrease', () => {
    const totals = new ReplicaCounterTotals(FORGET_AFTER_MS);
    totals.update(readings({ a: { MNP: 100 }, b: { MNP: 50 } }), 0);
    expect(totals.update(readings({ a: { MNP: 4 }, b: { MNP: 60 } }), 1000).get('MNP')).toBe(14);
    expect(totals.update(readings({ a: { MNP: 9 }, b: { MNP: 60 } }), 2000).get('MNP')).toBe(19);
  });

  it('takes a first reading as the baseline, not as an increase', () => {
    const totals = new ReplicaCounterTotals(FORGET_AFTER_MS);
    totals.update(readings({ a: { MNP: 0 } }), 0);
    expect(totals.update(readings({ a: { MNP: 10 }, b: { MNP: 500 } }), 1000).get('MNP')).toBe(10);
    expect(totals.update(readings({ a: { MNP: 10 }, b: { MNP: 503 } }), 2000).get('MNP')).toBe(13);
  });

  it('counts a series that appears on a known replica from zero', () => {
    const totals = new ReplicaCounterTotals(FORGET_AFTER_MS);
    totals.update(readings({ a: {} }), 0);
    expect(totals.update(readings({ a: { MNP: 3 } }), 1000).get('MNP')).toBe(3);
  });

  it('keeps the increase of a replica that missed a scrape, counted when it answers again', () => {
    const totals = new ReplicaCounterTotals(FORGET_AFTER_MS);
    totals.update(readings({ a: { MNP: 0 }, b: { MNP: 0 } }), 0);
    expect(totals.update(readings({ a: { MNP: 10 } }), 1000).get('MNP')).toBe(10);
    expect(totals.update(readings({ a: { MNP: 20 }, b: { MNP: 20 } }), 2000).get('MNP')).toBe(40);
  });

  it('starts afresh with a replica silent for longer than it remembers', () => {
    const totals = new ReplicaCounterTotals(FORGET_AFTER_MS);
    totals.update(readings({ a: { MNP: 0 }, b: { MNP: 0 } }), 0);
    totals.update(readings({ a: { MNP: 5 } }), 2000);
    totals.update(readings({ a: { MNP: 10 } }), 4000);
    expect(totals.update(readings({ a: { MNP: 20 }, b: { MNP: 700 } }), 6000).get('MNP')).toBe(20);
    expect(totals.update(readings({ a: { MNP: 20 }, b: { MNP: 705 } }), 7000).get('MNP')).toBe(25);
  });

  it('keeps the totals of a type whose replicas are all gone', () => {
    const totals = new ReplicaCounterTotals(FORGET_AFTER_MS);
    totals.update(readings({ a: { MNP: 0 } }), 0);
    totals.update(readings({ a: { MNP: 8 } }), 1000);
    expect(totals.update(readings({}), 2000).get('MNP')).toBe(8);
  });
});
