import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly hitCount?: number;
  readonly children?: readonly number[];
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
  /** The callers most of its samples came through, nearest first: where to look for the cause. */
  readonly calledFrom: string;
}

/** How many callers up the stack `calledFrom` names: enough to get past Node's and libraries' plumbing. */
const CALLER_DEPTH = 6;

function callerChain(node: ProfileNode, parents: ReadonlyMap<number, ProfileNode>): string {
  const names: string[] = [];
  for (let caller = parents.get(node.id); caller && names.length < CALLER_DEPTH; caller = parents.get(caller.id)) {
    names.push(caller.callFrame.functionName || '(anonymous)');
  }
  return names.join(' < ');
}

/** Functions by self time (samples spent in the function itself), highest first; idle excluded. */
export function topSelfTime(profile: CpuProfile, limit = 12): SelfTime[] {
  const parents = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node);
  const totals = new Map<string, { function: string; location: string; hits: number; chains: Map<string, number> }>();
  let busyHits = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    const name = node.callFrame.functionName || '(anonymous)';
    if (hits === 0 || name === '(idle)') continue;
    busyHits += hits;
    const location = node.callFrame.url ? `${node.callFrame.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${node.callFrame.lineNumber + 1}` : '';
    const key = `${name}@${location}`;
    const total = totals.get(key) ?? { function: name, location, hits: 0, chains: new Map<string, number>() };
    total.hits += hits;
    const chain = callerChain(node, parents);
    total.chains.set(chain, (total.chains.get(chain) ?? 0) + hits);
    totals.set(key, total);
  }
  return [...totals.values()]
    .sort((a, b) => b.hits - a.hits)
    .slice(0, limit)
    .map((total) => ({
      function: total.function,
      location: total.location,
      selfPercent: busyHits ? (total.hits / busyHits) * 100 : 0,
      calledFrom: [...total.chains].sort((a, b) => b[1] - a[1])[0][0],
    }));
}

export function summarizeProfileFile(path: string, limit?: number): SelfTime[] {
  return topSelfTime(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile, limit);
}
