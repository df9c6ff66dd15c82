import { parsePrometheusText } from '@bss/observability';

/** Samples of a Prometheus text exposition, keyed `name{label="value",...}` with labels sorted by name. */
export type Samples = ReadonlyMap<string, number>;

/** The samples keyed by name and labels, so a test states each expected series as one string. */
export function parseSamples(text: string): Samples {
  return new Map(parsePrometheusText(text).map((sample) => [sampleKey(sample.name, sample.labels), sample.value]));
}

export function sampleKey(name: string, labels: Readonly<Record<string, string>> = {}): string {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? name : `${name}{${entries.map(([label, value]) => `${label}="${value}"`).join(',')}}`;
}

/** Every sample of a metric whose name starts with `name`, e.g. all series of a counter. */
export function samplesOf(samples: Samples, name: string): Record<string, number> {
  return Object.fromEntries([...samples].filter(([key]) => key === name || key.startsWith(`${name}{`)));
}

export async function scrape(baseUrl: string): Promise<Samples> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (!response.ok) throw new Error(`GET ${baseUrl}/metrics answered ${response.status}`);
  return parseSamples(await response.text());
}
