import { ResultRow } from './result-row';

const HEADERS = ['section', 'figure', 'value', 'ceiling', 'ratio', 'target', 'verdict'] as const;

function formatNumber(value: number | undefined, unit = ''): string {
  if (value === undefined) return '—';
  const digits = Number.isInteger(value) || Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const text = value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return unit ? `${text} ${unit}` : text;
}

function cellsOf(row: ResultRow): string[] {
  return [
    row.section,
    row.figure,
    formatNumber(row.value, row.unit),
    formatNumber(row.ceiling, row.ceiling === undefined ? '' : row.unit),
    row.ratio === undefined ? '' : formatNumber(row.ratio),
    row.target,
    row.verdict === 'n/a' ? '' : row.verdict.toUpperCase(),
  ];
}

/** A Markdown table: readable in a terminal and pasteable into the README as is. */
export function renderTable(rows: readonly ResultRow[]): string {
  const lines = [HEADERS.slice(), ...rows.map(cellsOf)];
  const widths = HEADERS.map((_, column) => Math.max(...lines.map((cells) => cells[column].length)));
  const render = (cells: readonly string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  return [render(lines[0]), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...lines.slice(1).map(render)].join('\n');
}
