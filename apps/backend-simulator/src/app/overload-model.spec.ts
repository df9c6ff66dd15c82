import { ORDER_TYPES, OrderType } from '@bss/contracts';
import { OverloadModel, TypeCapacity } from './overload-model';

const capacities = Object.fromEntries(ORDER_TYPES.map((type) => [type, { ratePerSecond: 100, maxInFlight: 1000 }])) as Record<OrderType, TypeCapacity>;

function judge(callsPerSecond: number, seconds = 1, random = () => 0.5) {
  const model = new OverloadModel(capacities, { serviceTimeMs: 10, timeoutMs: 2000 }, random);
  const verdicts = [];
  for (let call = 0; call < callsPerSecond * seconds; call += 1) {
    const verdict = model.arrive('MNP', (call * 1000) / callsPerSecond);
    model.leave('MNP');
    verdicts.push(verdict);
  }
  return verdicts.slice(-callsPerSecond);
}

describe('OverloadModel', () => {
  it('serves everything below capacity, a little slower as it nears it', () => {
    const light = judge(20, 2);
    const near = judge(95, 2);
    expect(light.every((verdict) => verdict.action === 'serve')).toBe(true);
    expect(near.every((verdict) => verdict.action === 'serve')).toBe(true);
    const latency = (verdicts: ReturnType<typeof judge>) => Math.max(...verdicts.map((verdict) => (verdict.action === 'serve' ? verdict.latencyMs : 0)));
    expect(latency(near)).toBeGreaterThan(latency(light));
  });

  it('fails a growing share past capacity and times out far past it', () => {
    const twice = judge(200, 2, Math.random);
    const failed = twice.filter((verdict) => verdict.action === 'fail').length;
    expect(failed / twice.length).toBeGreaterThan(0.5);
    const crushed = judge(1000, 2, () => 0.99);
    expect(crushed.some((verdict) => verdict.action === 'fail' && verdict.status === 504)).toBe(true);
  });

  it('refuses at once at its in-flight limit', () => {
    const model = new OverloadModel({ ...capacities, MNP: { ratePerSecond: 100, maxInFlight: 2 } }, { serviceTimeMs: 10, timeoutMs: 2000 });
    model.arrive('MNP', 0);
    model.arrive('MNP', 1);
    expect(model.arrive('MNP', 2)).toEqual({ action: 'fail', status: 503, afterMs: 0 });
    expect(model.inFlightOf('MNP')).toBe(3);
  });

  it('overloads at the capacity a capacity loss leaves, for the types it covers, until it ends', () => {
    const model = new OverloadModel(capacities, { serviceTimeMs: 10, timeoutMs: 2000 }, () => 0);
    model.reduceCapacity({ factor: 0.5, types: ['MNP'], untilMs: 5000 });
    expect(model.capacityOf('MNP', 1000).ratePerSecond).toBe(50);
    expect(model.capacityOf('CHANGE', 1000).ratePerSecond).toBe(100);
    const verdicts = Array.from({ length: 80 }, (_, call) => model.arrive('MNP', 1000 + call * 10));
    expect(verdicts.some((verdict) => verdict.action === 'fail')).toBe(true);
    expect(model.capacityOf('MNP', 5000).ratePerSecond).toBe(100);
    expect(model.capacityLoss(5000)).toBeUndefined();
  });
});
