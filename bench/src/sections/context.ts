import type { ChannelModel } from 'amqplib';
import { join } from 'node:path';
import { MeteredProcess } from '../processes/cpu-time';
import { ResultRow, valueRow } from '../report/result-row';

/** Sizes of one run; `--quick` shrinks them for a smoke test, never the load shape or message size. */
export interface RunScale {
  readonly httpDurationSec: number;
  readonly warmUpSec: number;
  readonly ceilingMessages: number;
  readonly drainMessages: number;
  /** Orders waiting in one queue in the cost-at-scale run. */
  readonly backlogOrders: number;
  /** Order types generated on top of the four in the breadth run. */
  readonly extraTypes: number;
}

export const FULL_SCALE: RunScale = { httpDurationSec: 10, warmUpSec: 2, ceilingMessages: 50_000, drainMessages: 50_000, backlogOrders: 1_000_000, extraTypes: 6 };
export const QUICK_SCALE: RunScale = { httpDurationSec: 3, warmUpSec: 1, ceilingMessages: 10_000, drainMessages: 5_000, backlogOrders: 20_000, extraTypes: 1 };

/** The load: 50 connections. */
export const HTTP_CONNECTIONS = 50;

export interface BenchContext {
  readonly scale: RunScale;
  readonly connection: ChannelModel;
  /** Unique per run: every queue and exchange the run declares starts with it. */
  readonly runPrefix: string;
  /** The workspace the benchmark runs in (the breadth run copies it). */
  readonly workspaceDir: string;
  /** dist/apps: the product's built apps. */
  readonly distAppsDir: string;
  /** dist/bench: the benchmark's own apps (bare intake, instant processor). */
  readonly distBenchDir: string;
  readonly logDir: string;
  readonly cpuProfileDir?: string;
  /** The broker's process when it runs on this machine: each phase is charged its CPU time too. */
  readonly broker?: MeteredProcess;
  readonly progress: (line: string) => void;
}

export interface SectionResult {
  readonly rows: ResultRow[];
  readonly figures: Record<string, unknown>;
}

export function appBundle(context: BenchContext, app: string): string {
  return join(context.distAppsDir, app, 'main.cjs');
}

/** The benchmark's own apps: the ceilings' endpoints and backend, the instant processor. */
export type BenchApp = 'bare-intake' | 'instant-processor' | 'raw-intake' | 'raw-relay' | 'trivial-backend';

export function benchBundle(context: BenchContext, app: BenchApp): string {
  return join(context.distBenchDir, app, 'main.cjs');
}

/** The processes a phase is charged with: the apps it ran and, when known, the broker. */
export function metered(context: BenchContext, ...apps: readonly MeteredProcess[]): MeteredProcess[] {
  return context.broker ? [...apps, context.broker] : [...apps];
}

/** CPU time per order of a phase: the sum as the value, each process's share spelled out beside it. */
export function cpuRow(section: string, phase: string, cpuUsPerOrder: Record<string, number>): ResultRow {
  const entries = Object.entries(cpuUsPerOrder);
  const total = entries.length ? entries.reduce((sum, [, us]) => sum + us, 0) : undefined;
  const parts = entries.map(([process, us]) => `${process} ${Math.round(us)}`).join(' + ');
  return valueRow({ section, figure: `${phase}: CPU per order`, value: total, unit: `µs (${parts})` });
}
