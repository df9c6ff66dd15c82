import { CounterRates, windowRate } from './counter-rates';

const reading = (entries: [string, [string, number][]][]) => new Map(entries.map(([replica, values]) => [replica, new Map(values)]));

describe('CounterRates', () => {
  it('sums per-second increases over replicas', () => {
    const rates = new CounterRates();
    expect(rates.update(reading([['a', [['MNP', 10]]], ['b', [['MNP', 5]]]]), 0).size).toBe(0);
    expect(rates.update(reading([['a', [['MNP', 30]]], ['b', [['MNP', 15]]]]), 2000).get('MNP')).toBe(15);
  });

  it('treats a counter that went down as a restarted replica, never a negative rate', () => {
    const rates = new CounterRates();
    rates.update(reading([['a', [['MNP', 100]]]]), 0);
    expect(rates.update(reading([['a', [['MNP', 4]]]]), 1000).get('MNP')).toBe(4);
  });

  it('starts counting a new replica from its second reading', () => {
    const rates = new CounterRates();
    rates.update(reading([['a', [['MNP', 0]]]]), 0);
    expect(rates.update(reading([['a', [['MNP', 10]]], ['b', [['MNP', 500]]]]), 1000).get('MNP')).toBe(10);
  });
});

describe('windowRate', () => {
  it('measures over the window, smoothing counts that refresh only every few seconds', () => {
    const points = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((second) => ({ at: second * 1000, value: second < 5 ? 0 : second < 10 ? 50 : 100 }));
    expect(windowRate(points, 10_000)).toBe(10);
  });

  it('has no rate without two known counts', () => {
    expect(windowRate([{ at: 0, value: undefined }, { at: 1000, value: 5 }], 10_000)).toBeNull();
  });
});
