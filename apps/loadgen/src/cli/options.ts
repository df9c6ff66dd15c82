import { parseArgs } from 'node:util';
import { Profile } from '../profiles/profiles';
import { oneOf, positive, PROFILE_OPTIONS, profileFrom } from './profile-options';

export const USAGE = `Usage: npx nx run loadgen:run -- [options]

Modes
  --mode compare|queue|direct   queue: through producer-api; direct: the same orders straight to the
                                backend (no queue); compare: both, one after the other, same seed (default)
  --launch                      start the built apps for each run (fresh state, own topology); without it,
                                use a running system (--producer-url, --backend-url, --api-key)
Load (open loop: requests leave on schedule, never waiting for earlier answers)
  --profile spike|steady|ramp|sine|step|csv   (default spike)
  --rate N          base or steady orders/s (default 30)     --duration S      seconds (default 30)
  --multiplier M    spike height ×base (default 10)          --spike-at S      (default 5)   --spike-for S (default 10)
  --from N --to N   ramp                                      --amplitude N --period S   sine around --rate
  --levels a,b,c --step-sec S   step                          --csv FILE        replay "second,rate" rows
  --mix TYPE=w,...  order types and weights (default: every type with a processor, evenly)
  --seed N          (default 42)
System (with --launch)
  --capacity N      backend capacity per type, orders/s (default 25); processors are not told it
  --budget adaptive|static|both   adaptive: processors learn the backend's rate (BACKEND_BUDGET=adaptive, no
                    cap); static: their budget is 90 % of --capacity; both: one queue run each (default adaptive)
  --capacity-fault F@S+D   the backend loses capacity: F × capacity from second S for D seconds (e.g. 0.5@20+15)
  --replicas NAME=N,...   extra processor replicas, e.g. mnp-processor=2 (they share one budget via Redis)
  --no-redis        give each replica its own in-process budget instead of the shared Redis one
Other
  --management-url URL    RabbitMQ management API, for consumers and dead letters (default http://guest:guest@127.0.0.1:15672)
  --rabbitmq-url URL,...  AMQP (one URL per cluster node), for live queue depth each second (default $RABBITMQ_URL or amqp://guest:guest@127.0.0.1:5672)
  --max-in-flight N       client-side cap; beyond it requests are counted as dropped (default 4000)
  --timeout-ms N          per-request timeout (default 10000)   --drain-timeout-sec S (default 300)
  --out DIR               where report.json and report.html go (default dist/loadgen)
`;

export type Budget = 'adaptive' | 'static';

/** The backend keeps `factor` of its capacity from `atSec` of the run for `forSec`. */
export interface CapacityFault {
  readonly factor: number;
  readonly atSec: number;
  readonly forSec: number;
}

export interface LoadgenOptions {
  readonly mode: 'compare' | 'queue' | 'direct';
  readonly profile: Profile;
  readonly mix?: string;
  readonly seed: number;
  readonly launch: boolean;
  readonly capacity: number;
  /** The processors' budget, one queue run each. */
  readonly budgets: readonly Budget[];
  readonly capacityFault?: CapacityFault;
  readonly replicas: Record<string, number>;
  readonly redis: boolean;
  readonly producerUrl: string;
  readonly backendUrl: string;
  readonly apiKey?: string;
  readonly queuePrefix: string;
  readonly managementUrl: string;
  /** One AMQP URL per broker node. */
  readonly rabbitmqUrls: string[];
  readonly maxInFlight: number;
  readonly timeoutMs: number;
  readonly drainTimeoutSec: number;
  readonly out: string;
}

/** Parses and validates the command line; every problem is an error naming the option. */
export function parseOptions(argv: readonly string[]): LoadgenOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      help: { type: 'boolean' },
      mode: { type: 'string' },
      ...PROFILE_OPTIONS,
      mix: { type: 'string' },
      seed: { type: 'string' },
      launch: { type: 'boolean' },
      capacity: { type: 'string' },
      budget: { type: 'string' },
      'capacity-fault': { type: 'string' },
      replicas: { type: 'string' },
      'no-redis': { type: 'boolean' },
      'producer-url': { type: 'string' },
      'backend-url': { type: 'string' },
      'api-key': { type: 'string' },
      'queue-prefix': { type: 'string' },
      'management-url': { type: 'string' },
      'rabbitmq-url': { type: 'string' },
      'max-in-flight': { type: 'string' },
      'timeout-ms': { type: 'string' },
      'drain-timeout-sec': { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (values.help) return 'help';
  return {
    mode: oneOf('mode', values.mode, ['compare', 'queue', 'direct'] as const, 'compare'),
    profile: profileFrom(values),
    mix: values.mix,
    seed: positive('seed', values.seed, 42, true),
    launch: values.launch ?? false,
    capacity: positive('capacity', values.capacity, 25),
    budgets: budgetsOf(oneOf('budget', values.budget, ['adaptive', 'static', 'both'] as const, 'adaptive')),
    ...(values['capacity-fault'] ? { capacityFault: parseCapacityFault(values['capacity-fault']) } : {}),
    replicas: parseReplicas(values.replicas),
    redis: !values['no-redis'],
    producerUrl: values['producer-url'] ?? 'http://127.0.0.1:8000',
    backendUrl: values['backend-url'] ?? 'http://127.0.0.1:8090',
    apiKey: values['api-key'] ?? process.env['LOADGEN_API_KEY'],
    queuePrefix: values['queue-prefix'] ?? 'bss.orders',
    managementUrl: values['management-url'] ?? 'http://guest:guest@127.0.0.1:15672',
    rabbitmqUrls: splitList(values['rabbitmq-url'] ?? process.env['RABBITMQ_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672'),
    maxInFlight: positive('max-in-flight', values['max-in-flight'], 4000),
    timeoutMs: positive('timeout-ms', values['timeout-ms'], 10_000),
    drainTimeoutSec: positive('drain-timeout-sec', values['drain-timeout-sec'], 300),
    out: values.out ?? 'dist/loadgen',
  };
}

function budgetsOf(choice: Budget | 'both'): Budget[] {
  return choice === 'both' ? ['adaptive', 'static'] : [choice];
}

function parseCapacityFault(text: string): CapacityFault {
  const match = /^(0?\.\d+)@(\d+)\+(\d+)$/.exec(text.trim());
  const fault = match ? { factor: Number(match[1]), atSec: Number(match[2]), forSec: Number(match[3]) } : undefined;
  if (!fault || fault.factor <= 0 || fault.factor >= 1 || fault.forSec < 1) {
    throw new Error(`--capacity-fault: "${text}" is not F@S+D (0 < F < 1, from second S for D ≥ 1 seconds), e.g. 0.5@20+15`);
  }
  return fault;
}

function parseReplicas(text: string | undefined): Record<string, number> {
  if (!text) return {};
  return Object.fromEntries(
    text.split(',').map((item) => {
      const [name, count] = item.split('=');
      const replicas = Number(count);
      if (!name?.endsWith('-processor') || !Number.isInteger(replicas) || replicas < 1) {
        throw new Error(`--replicas: "${item}" is not <type>-processor=N`);
      }
      return [name, replicas];
    }),
  );
}

function splitList(text: string): string[] {
  return text.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
}
