import { ORDER_TYPE_DEFINITIONS, ORDER_TYPES, OrderType, parseOrderType } from '@bss/contracts';
import { parseArgs } from 'node:util';
import { positive, PROFILE_OPTIONS, profileFrom } from '../cli/profile-options';
import { Profile } from '../profiles/profiles';
import { parseMix } from '../traffic/order-mix';
import { AutoscalerRules, DEPLOYED_AUTOSCALER } from './autoscaler';
import { DEFAULT_HORIZON_AFTER_SEC, TypePlan } from './capacity-plan';

export const PLAN_USAGE = `Usage: npx nx run loadgen:plan -- [options]

Simulates a traffic profile against each type's backend, processor settings and autoscaler, in
seconds rather than in real time, and prints and charts the queue depth, the oldest order's wait,
the drain time, the replicas, the queue bound needed and when intake would answer 503.

Load: the same options as loadgen:run
  --profile spike|steady|ramp|sine|step|csv  --rate N  --duration S  --multiplier M  --spike-at S  --spike-for S
  --from N --to N  --amplitude N --period S  --levels a,b,c --step-sec S  --csv FILE ("second,rate" rows)
  --mix TYPE=w,...          order types and weights (default: the four types evenly)
Per type: N for every type, or TYPE=N,... for some (the others keep their default)
  --capacity                the backend's orders/s (default: the type's budget, BACKEND_RATE_LIMIT)
  --budget                  BACKEND_RATE_LIMIT, shared by the type's replicas; 0 = none (default: the type's definition)
  --concurrency             orders one replica handles at once (default: the type's definition)
  --service-ms              the backend's answer time per call (default 50)
  --max-replicas  --queue-length-target  --activation     KEDA's (default: the type's definition)
Autoscaler (default: as deploy:render writes it, Kubernetes' defaults for the rest)
  --min-replicas N (1)  --polling-sec S (5)  --cooldown-sec S (120)  --hpa-sync-sec S (15)
  --scale-up-pods N (4)  --scale-up-percent P (100)  --scale-up-period-sec S (15)
  --scale-down-window-sec S (120)  --scale-down-pods N (1)  --scale-down-period-sec S (60)  --pod-start-sec S (10)
  --replicas N              no autoscaler: N replicas per type throughout (as a local run)
Other
  --queue-bound N           QUEUE_MAX_LENGTH (default 100000, as bss-config)
  --horizon-sec S           how long after the profile to keep draining (default ${DEFAULT_HORIZON_AFTER_SEC})
  --out DIR                 where plan.json and plan.html go (default dist/loadgen/plan)
`;

export interface PlanOptions {
  readonly profile: Profile;
  readonly types: TypePlan[];
  readonly horizonAfterSec: number;
  readonly out: string;
}

const PER_TYPE = ['capacity', 'budget', 'concurrency', 'service-ms', 'max-replicas', 'queue-length-target', 'activation'] as const;
type PerTypeOption = (typeof PER_TYPE)[number];

const AUTOSCALER_OPTIONS = {
  'min-replicas': 'minReplicas',
  'polling-sec': 'pollingIntervalSec',
  'cooldown-sec': 'cooldownSec',
  'hpa-sync-sec': 'hpaSyncPeriodSec',
  'scale-up-pods': 'scaleUpPods',
  'scale-up-percent': 'scaleUpPercent',
  'scale-up-period-sec': 'scaleUpPeriodSec',
  'scale-down-window-sec': 'scaleDownStabilizationSec',
  'scale-down-pods': 'scaleDownPods',
  'scale-down-period-sec': 'scaleDownPeriodSec',
  'pod-start-sec': 'podStartSec',
} as const satisfies Record<string, keyof AutoscalerRules>;

/** `N` for every type or `TYPE=N,...` for some: the value for `type`, or undefined for its default. */
export function perTypeValue(option: string, text: string | undefined, type: OrderType, allowZero: boolean): number | undefined {
  if (text === undefined) return undefined;
  if (!text.includes('=')) return positive(option, text, 0, allowZero);
  for (const item of text.split(',')) {
    const [name, value] = item.split('=').map((part) => part.trim());
    const named = parseOrderType(name);
    if (!named) throw new Error(`--${option}: "${name}" is not an order type (${ORDER_TYPES.join(', ')})`);
    if (named === type) return positive(option, value, 0, allowZero);
  }
  return undefined;
}

export function parsePlanOptions(argv: readonly string[]): PlanOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      help: { type: 'boolean' },
      ...PROFILE_OPTIONS,
      mix: { type: 'string' },
      ...Object.fromEntries(PER_TYPE.map((name) => [name, { type: 'string' }])),
      ...Object.fromEntries(Object.keys(AUTOSCALER_OPTIONS).map((name) => [name, { type: 'string' }])),
      replicas: { type: 'string' },
      'queue-bound': { type: 'string' },
      'horizon-sec': { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (values.help) return 'help';
  const raw = values as Record<string, string | undefined>;
  const profile = profileFrom(values);
  const mix = parseMix(values.mix, ORDER_TYPES);
  const totalWeight = mix.reduce((sum, entry) => sum + entry.weight, 0);
  const autoscalerBase: typeof DEPLOYED_AUTOSCALER = {
    ...DEPLOYED_AUTOSCALER,
    ...Object.fromEntries(Object.entries(AUTOSCALER_OPTIONS).map(([option, field]) => [field, positive(option, raw[option], DEPLOYED_AUTOSCALER[field], true)])),
  };
  const fixedReplicas = values.replicas === undefined ? undefined : positive('replicas', values.replicas, 1);
  const queueBound = positive('queue-bound', values['queue-bound'], 100_000);
  const types = mix.map(({ type, weight }): TypePlan => {
    const definition = ORDER_TYPE_DEFINITIONS.find((candidate) => candidate.type === type);
    if (!definition) throw new Error(`no definition for order type ${type}`);
    const { processor } = definition;
    const value = (option: PerTypeOption, fallback: number, allowZero = false) => perTypeValue(option, raw[option], type, allowZero) ?? fallback;
    const budgetPerSec = value('budget', processor.backendRateLimit, true);
    return {
      type,
      share: weight / totalWeight,
      backendCapacityPerSec: value('capacity', budgetPerSec > 0 ? budgetPerSec : processor.backendRateLimit),
      budgetPerSec,
      concurrency: value('concurrency', processor.concurrency),
      serviceMs: value('service-ms', 50),
      queueBound,
      replicas: fixedReplicas ?? autoscalerBase.minReplicas,
      autoscaler:
        fixedReplicas === undefined
          ? {
              ...autoscalerBase,
              maxReplicas: value('max-replicas', processor.autoscaling.maxReplicas),
              queueLengthTarget: value('queue-length-target', processor.autoscaling.queueLengthTarget),
              activationQueueLength: value('activation', processor.autoscaling.activationQueueLength, true),
            }
          : undefined,
    };
  });
  return { profile, types, horizonAfterSec: positive('horizon-sec', values['horizon-sec'], DEFAULT_HORIZON_AFTER_SEC), out: values.out ?? 'dist/loadgen/plan' };
}
