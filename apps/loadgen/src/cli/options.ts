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
  --capacity N      backend capacity and budget per type, orders/s (default 25)
  --replicas NAME=N,...   extra processor replicas, e.g. mnp-processor=2 (they share one budget via Redis)
  --no-redis        give each replica its own in-process budget instead of the shared Redis one
Other
  --management-url URL    RabbitMQ management API, for consumers and dead letters (default http://guest:guest@127.0.0.1:15672)
  --rabbitmq-url URL,...  AMQP (one URL per cluster node), for live queue depth each second (default $RABBITMQ_URL or amqp://guest:guest@127.0.0.1:5672)
  --max-in-flight N       client-side cap; beyond it requests are counted as dropped (default 4000)
  --timeout-ms N          per-request timeout (default 10000)   --drain-timeout-sec S (default 300)
  --out DIR               where report.json and report.html go (default dist/loadgen)
`;

export interface LoadgenOptions {
  readonly mode: 'compare' | 'queue' | 'direct';
  readonly profile: Profile;
  readonly mix?: string;
  readonly seed: number;
  readonly launch: boolean;
  readonly capacity: number;
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
