import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** One row of the chaos table; the columns after `lost` exist for scenarios run with the behaving client. */
export interface ChaosRow {
  readonly scenario: string;
  readonly sent: number;
  readonly accepted: number;
  readonly appliedOnce: number;
  readonly appliedTwice: number;
  readonly deadLettered: number;
  readonly lost: number;
  readonly refusedButApplied?: number;
  readonly unknownAnswers?: number;
  readonly unknownResolvedByResend?: number;
  readonly noAnswer?: number;
  readonly unresolved?: number;
  readonly longestWithout202Sec?: number;
  readonly readyAgainSec?: number | 'never';
  readonly seconds: number;
  /** Why the scenario did not get as far as its audit. */
  readonly failure?: string;
}

/** Every chaos spec appends here, so the suite ends with one table however many files it has. */
export const CHAOS_RESULTS_FILE = join(__dirname, '../../../../dist/chaos/results.json');

export function clearChaosRows(): void {
  mkdirSync(dirname(CHAOS_RESULTS_FILE), { recursive: true });
  writeFileSync(CHAOS_RESULTS_FILE, '[]');
}

const ROW_FIELDS: (keyof ChaosRow)[] = [
  'scenario',
  'sent',
  'accepted',
  'appliedOnce',
  'appliedTwice',
  'deadLettered',
  'lost',
  'refusedButApplied',
  'unknownAnswers',
  'unknownResolvedByResend',
  'noAnswer',
  'unresolved',
  'longestWithout202Sec',
  'readyAgainSec',
  'seconds',
  'failure',
];

/** Keeps only the table's fields of a richer result (a tally also carries the whole ledger). */
export function recordChaosRow(result: ChaosRow): void {
  const row = Object.fromEntries(ROW_FIELDS.filter((field) => result[field] !== undefined).map((field) => [field, result[field]]));
  mkdirSync(dirname(CHAOS_RESULTS_FILE), { recursive: true });
  writeFileSync(CHAOS_RESULTS_FILE, JSON.stringify([...readChaosRows(), row], null, 2));
}

export function readChaosRows(): ChaosRow[] {
  return existsSync(CHAOS_RESULTS_FILE) ? (JSON.parse(readFileSync(CHAOS_RESULTS_FILE, 'utf8')) as ChaosRow[]) : [];
}

const COLUMNS: [string, (row: ChaosRow) => string | number | undefined][] = [
  ['scenario', (row) => (row.failure ? `${row.scenario} — FAILED: ${row.failure.slice(0, 60)}` : row.scenario)],
  ['sent', (row) => row.sent],
  ['202', (row) => row.accepted],
  ['applied once', (row) => row.appliedOnce],
  ['applied twice', (row) => row.appliedTwice],
  ['dead-lettered', (row) => row.deadLettered],
  ['lost', (row) => row.lost],
  ['refused, applied', (row) => row.refusedButApplied],
  ['unknown (resolved by resend)', (row) => (row.unknownAnswers === undefined ? undefined : `${row.unknownAnswers} (${row.unknownResolvedByResend})`)],
  ['no answer', (row) => row.noAnswer],
  ['never 202', (row) => row.unresolved],
  ['longest without 202 s', (row) => row.longestWithout202Sec],
  ['ready again s', (row) => row.readyAgainSec],
  ['seconds', (row) => row.seconds],
];

export function formatChaosTable(rows: readonly ChaosRow[]): string {
  const cells = [COLUMNS.map(([title]) => title), ...rows.map((row) => COLUMNS.map(([, value]) => String(value(row) ?? '—')))];
  const widths = COLUMNS.map((_, column) => cells.reduce((widest, line) => Math.max(widest, line[column].length), 0));
  const render = (line: string[]) => `| ${line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  return [render(cells[0]), rule, ...cells.slice(1).map(render)].join('\n');
}
