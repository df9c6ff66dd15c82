/** Samples of a Prometheus text exposition, keyed `name{label="value",...}` with labels sorted by name. */
export type Samples = ReadonlyMap<string, number>;

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseSamples(text: string): Samples {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = SAMPLE_LINE.exec(line.trim());
    if (!match || line.startsWith('#')) continue;
    const [, name, labelText = '', value] = match;
    const labels = [...labelText.matchAll(LABEL)].map(([, label, labelValue]) => ({ label, labelValue }));
    samples.set(sampleKey(name, Object.fromEntries(labels.map(({ label, labelValue }) => [label, labelValue]))), Number(value));
  }
  return samples;
}

export function sampleKey(name: string, labels: Record<string, string> = {}): string {
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
