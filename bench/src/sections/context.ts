import type { ChannelModel } from 'amqplib';
import { join } from 'node:path';
import { ResultRow } from '../report/result-row';

/** Sizes of one run; `--quick` shrinks them for a smoke test, never the load shape or message size. */
export interface RunScale {
  readonly httpDurationSec: number;
  readonly warmUpSec: number;
  readonly ceilingMessages: number;
  readonly drainMessages: number;
}

export const FULL_SCALE: RunScale = { httpDurationSec: 10, warmUpSec: 2, ceilingMessages: 50_000, drainMessages: 50_000 };
export const QUICK_SCALE: RunScale = { httpDurationSec: 3, warmUpSec: 1, ceilingMessages: 10_000, drainMessages: 5_000 };

/** The load: 50 connections. */
export const HTTP_CONNECTIONS = 50;

export interface BenchContext {
  readonly scale: RunScale;
  readonly connection: ChannelModel;
  /** Unique per run: every queue and exchange the run declares starts with it. */
  readonly runPrefix: string;
  /** dist/apps: the product's built apps. */
  readonly distAppsDir: string;
  /** dist/bench: the benchmark's own apps (bare intake, instant processor). */
  readonly distBenchDir: string;
  readonly logDir: string;
  readonly cpuProfileDir?: string;
  readonly progress: (line: string) => void;
}

export interface SectionResult {
  readonly rows: ResultRow[];
  readonly figures: Record<string, unknown>;
}

export function appBundle(context: BenchContext, app: string): string {
  return join(context.distAppsDir, app, 'main.cjs');
}

export function benchBundle(context: BenchContext, app: 'bare-intake' | 'instant-processor'): string {
  return join(context.distBenchDir, app, 'main.cjs');
}
