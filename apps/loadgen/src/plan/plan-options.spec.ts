import { MNP_ORDER_TYPE } from '@bss/contracts';
import { DEPLOYED_AUTOSCALER } from './autoscaler';
import { parsePlanOptions, perTypeValue, PlanOptions } from './plan-options';

const parse = (args: string[]) => parsePlanOptions(args) as PlanOptions;

describe('parsePlanOptions', () => {
  it('takes each type\'s budget, concurrency and autoscaling from its definition and the autoscaler as deployed', () => {
    const options = parse([]);
    const mnp = options.types.find((type) => type.type === 'MNP');
    expect(options.types.map((type) => type.share)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(mnp).toMatchObject({
      budgetPerSec: MNP_ORDER_TYPE.processor.backendRateLimit,
      backendCapacityPerSec: MNP_ORDER_TYPE.processor.backendRateLimit,
      concurrency: MNP_ORDER_TYPE.processor.concurrency,
      queueBound: 100_000,
      autoscaler: { ...DEPLOYED_AUTOSCALER, maxReplicas: 3, queueLengthTarget: 200, activationQueueLength: 10 },
    });
  });

  it('sets a value for every type or for the types named, and fixed replicas without an autoscaler', () => {
    const options = parse(['--capacity', 'MNP=40', '--budget', '30', '--replicas', '2', '--mix', 'MNP=3,CHANGE=1', '--pod-start-sec', '30']);
    expect(options.types.map(({ type, share, backendCapacityPerSec, budgetPerSec, replicas, autoscaler }) => ({ type, share, backendCapacityPerSec, budgetPerSec, replicas, autoscaler }))).toEqual([
      { type: 'MNP', share: 0.75, backendCapacityPerSec: 40, budgetPerSec: 30, replicas: 2, autoscaler: undefined },
      { type: 'CHANGE', share: 0.25, backendCapacityPerSec: 30, budgetPerSec: 30, replicas: 2, autoscaler: undefined },
    ]);
    expect(parse(['--pod-start-sec', '30']).types[0].autoscaler?.podStartSec).toBe(30);
  });

  it('names the option of every bad value', () => {
    expect(() => parse(['--capacity', 'SIMSWAP=3'])).toThrow('--capacity: "SIMSWAP" is not an order type');
    expect(() => parse(['--service-ms', 'fast'])).toThrow('--service-ms must be a positive number; got "fast"');
    expect(() => parse(['--profile', 'burst'])).toThrow('--profile must be one of');
    expect(() => parse(['--colour'])).toThrow(/colour/);
  });
});

describe('perTypeValue', () => {
  it('reads N for all or TYPE=N for one, case-insensitively', () => {
    expect(perTypeValue('budget', '5', 'MNP', true)).toBe(5);
    expect(perTypeValue('budget', 'mnp=7,change=2', 'CHANGE', true)).toBe(2);
    expect(perTypeValue('budget', 'mnp=7', 'CHANGE', true)).toBeUndefined();
    expect(perTypeValue('budget', undefined, 'MNP', true)).toBeUndefined();
  });
});
