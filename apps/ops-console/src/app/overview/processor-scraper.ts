import type { DeliveryOutcome } from '@bss/processor-kit';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { parsePrometheusText, Sample, sumBy } from '@bss/observability';

const WANTED = new Set(['bss_backend_requests_total', 'bss_retries_total', 'bss_backend_rate_limit', 'bss_backend_learned_limit', 'bss_messages_processed_total']);

/**
 * Which delivery outcomes take the message off its order queue. Typed over every outcome the
 * processors emit, so a new outcome does not compile until it is decided here. A requeued delivery
 * goes back to the same queue; a retried, deferred or pending one moves to a retry or deferral delay queue.
 */
const LEAVES_ORDER_QUEUE: Record<DeliveryOutcome, boolean> = {
  applied: true,
  duplicate: true,
  rejected: true,
  pending: true,
  retried: true,
  deferred: true,
  'dead-lettered': true,
  requeued: false,
};

/** One replica's counters, by order type. */
export interface ReplicaReading {
  readonly target: string;
  /** Order types this replica reports any metric for (a processor sets its budget gauge at start). */
  readonly types: ReadonlySet<string>;
  /** Deliveries that left the order queue, whatever became of them. */
  readonly removed: Map<string, number>;
  readonly backendRequests: Map<string, number>;
  readonly retries: Map<string, number>;
  /** The configured budget: the adaptive budget's cap, the static one's rate (0 = none). */
  readonly budget: Map<string, number>;
  /** The rate the replicas of the type allow themselves now: learned (adaptive) or configured (static). */
  readonly learnedLimit: Map<string, number>;
}

export interface ScrapeResult {
  readonly readings: ReplicaReading[];
  readonly errors: { target: string; error: string }[];
}

/**
 * Scrapes processors' /metrics. A configured host that resolves to several addresses (a Kubernetes
 * headless Service) is scraped at each address, because each replica counts only its own calls.
 */
export class ProcessorScraper {
  constructor(
    private readonly urls: readonly string[],
    private readonly timeoutMs = 2000,
  ) {}

  async scrape(): Promise<ScrapeResult> {
    const targets = (await Promise.all(this.urls.map((url) => expand(url)))).flat();
    const results = await Promise.all(
      targets.map(async (target) => {
        try {
          return { reading: await this.read(target), error: undefined };
        } catch (error) {
          return { reading: undefined, error: { target, error: (error as Error).message } };
        }
      }),
    );
    return {
      readings: results.flatMap((result) => (result.reading ? [result.reading] : [])),
      errors: results.flatMap((result) => (result.error ? [result.error] : [])),
    };
  }

  private async read(target: string): Promise<ReplicaReading> {
    const response = await fetch(target, { signal: AbortSignal.timeout(this.timeoutMs) });
    if (!response.ok) throw new Error(`answered ${response.status}`);
    return readingOf(target, await response.text());
  }
}

/** One replica's reading out of its /metrics text. */
export function readingOf(target: string, text: string): ReplicaReading {
  const samples = parsePrometheusText(text, WANTED);
  return {
    target,
    types: new Set(samples.flatMap((sample) => (sample.labels['type'] ? [sample.labels['type']] : []))),
    removed: sumBy(samples.filter(leftOrderQueue), 'bss_messages_processed_total', 'type'),
    backendRequests: sumBy(samples, 'bss_backend_requests_total', 'type'),
    retries: sumBy(samples, 'bss_retries_total', 'type'),
    budget: sumBy(samples, 'bss_backend_rate_limit', 'type'),
    learnedLimit: sumBy(samples, 'bss_backend_learned_limit', 'type'),
  };
}

function leftOrderQueue(sample: Sample): boolean {
  return sample.name === 'bss_messages_processed_total' && LEAVES_ORDER_QUEUE[sample.labels['outcome'] as DeliveryOutcome] === true;
}

async function expand(url: string): Promise<string[]> {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) return [url];
  try {
    const addresses = await lookup(host, { all: true });
    return addresses.map(({ address, family }) => {
      const copy = new URL(url);
      copy.hostname = family === 6 ? `[${address}]` : address;
      return copy.toString();
    });
  } catch {
    return [url];
  }
}
