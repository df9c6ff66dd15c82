import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly hitCount?: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
}

export interface SelfTime {
  readonly function: string;
  readonly location: string;
  readonly selfPercent: number;
}

/** Functions by self time (samples spent in the function itself), highest first; idle excluded. */
export function topSelfTime(profile: CpuProfile, limit = 12): SelfTime[] {
  const totals = new Map<string, { function: string; location: string; hits: number }>();
  let busyHits = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    const name = node.callFrame.functionName || '(anonymous)';
    if (hits === 0 || name === '(idle)') continue;
    busyHits += hits;
    const location = node.callFrame.url ? `${node.callFrame.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${node.callFrame.lineNumber + 1}` : '';
    const key = `${name}@${location}`;
    const total = totals.get(key) ?? { function: name, location, hits: 0 };
    total.hits += hits;
    totals.set(key, total);
  }
  return [...totals.values()]
    .sort((a, b) => b.hits - a.hits)
    .slice(0, limit)
    .map((total) => ({ function: total.function, location: total.location, selfPercent: busyHits ? (total.hits / busyHits) * 100 : 0 }));
}

export function summarizeProfileFile(path: string, limit?: number): SelfTime[] {
  return topSelfTime(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile, limit);
}
