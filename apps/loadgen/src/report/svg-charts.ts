export interface Series {
  readonly name: string;
  readonly color: string;
  readonly values: readonly number[];
}

export interface ChartOptions {
  readonly title: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly guide?: { readonly value: number; readonly label: string };
  readonly width?: number;
  readonly height?: number;
}

export const TYPE_COLORS: Record<string, string> = { SUBSCRIPTION: '#2563eb', MNP: '#db2777', CHANGE: '#059669', TERMINATION: '#d97706' };

/** The look of every report page (the run report, the capacity plan), for the charts below and their tables. */
export const REPORT_STYLE = `
  body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #111827; background: #fff; }
  h1 { font-size: 22px; margin: 0 0 4px; } .meta { color: #6b7280; margin-bottom: 16px; }
  .run { border: 1px solid #e5e7eb; border-radius: 8px; padding: 16px; }
  .run h2 { font-size: 18px; margin: 0 0 8px; } .checks { list-style: none; padding: 0; margin: 0 0 12px; }
  .pass { color: #047857; } .fail { color: #b91c1c; }
  table { border-collapse: collapse; margin: 8px 0 16px; } th, td { padding: 3px 10px; text-align: left; border-bottom: 1px solid #f3f4f6; }
  td { font-variant-numeric: tabular-nums; } caption { text-align: left; font-weight: 600; }
  figure { margin: 8px 0 16px; } figcaption { font-weight: 600; margin-bottom: 4px; }
  .grid { stroke: #e5e7eb; } .tick, .legend, .guide-label { font-size: 11px; fill: #4b5563; }
  .guide { stroke: #111827; stroke-dasharray: 4 4; }
`;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 2.5, 5, 10].map((step) => step * magnitude).find((candidate) => candidate >= value) ?? 10 * magnitude;
}

/** A line chart as inline SVG: no script, no network, readable in any browser or printed. */
export function lineChart(options: ChartOptions): string {
  const width = options.width ?? 560;
  const height = options.height ?? 240;
  const margin = { left: 52, right: 12, top: 28, bottom: 34 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const length = Math.max(1, ...options.series.map((series) => series.values.length));
  const yMax = niceCeiling(Math.max(options.guide?.value ?? 0, ...options.series.flatMap((series) => series.values)) * 1.05);
  const x = (index: number) => margin.left + (length <= 1 ? 0 : (index / (length - 1)) * plotWidth);
  const y = (value: number) => margin.top + plotHeight - (value / yMax) * plotHeight;

  const yTicks = Array.from({ length: 5 }, (_, index) => (yMax * index) / 4);
  const xTicks = Array.from({ length: 6 }, (_, index) => Math.round(((length - 1) * index) / 5));
  const grid = yTicks
    .map((tick) => `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(tick)}" y2="${y(tick)}" class="grid"/><text x="${margin.left - 6}" y="${y(tick) + 4}" class="tick" text-anchor="end">${formatTick(tick)}</text>`)
    .join('');
  const xAxis = xTicks.map((tick) => `<text x="${x(tick)}" y="${height - margin.bottom + 16}" class="tick" text-anchor="middle">${tick}s</text>`).join('');
  const lines = options.series
    .map((series) => {
      const points = series.values.map((value, index) => `${x(index).toFixed(1)},${y(value).toFixed(1)}`).join(' ');
      return `<polyline fill="none" stroke="${series.color}" stroke-width="2" points="${points}" data-series="${escapeHtml(series.name)}" data-points="${series.values.length}"/>`;
    })
    .join('');
  const guide = options.guide
    ? `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(options.guide.value)}" y2="${y(options.guide.value)}" class="guide"/><text x="${width - margin.right}" y="${y(options.guide.value) - 4}" class="guide-label" text-anchor="end">${escapeHtml(options.guide.label)}</text>`
    : '';
  let legendX = margin.left;
  const legend = options.series
    .map((series) => {
      const entry = `<rect x="${legendX}" y="8" width="10" height="10" fill="${series.color}"/><text x="${legendX + 14}" y="17" class="legend">${escapeHtml(series.name)}</text>`;
      legendX += 34 + series.name.length * 6;
      return entry;
    })
    .join('');
  return `<figure><figcaption>${escapeHtml(options.title)}</figcaption><svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(options.title)}">${legend}${grid}${xAxis}${guide}${lines}<text x="12" y="${margin.top + plotHeight / 2}" class="tick" transform="rotate(-90 12 ${margin.top + plotHeight / 2})" text-anchor="middle">${escapeHtml(options.yLabel)}</text></svg></figure>`;
}

function formatTick(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(value % 1000 === 0 ? 0 : 1)}k` : String(Math.round(value * 10) / 10);
}

export interface BarGroup {
  readonly label: string;
  readonly bars: readonly { readonly name: string; readonly value: number | undefined }[];
}

/** Grouped horizontal bars (e.g. latency percentiles), values labelled at the bar ends. */
export function barChart(options: { title: string; unit: string; groups: readonly BarGroup[]; width?: number }): string {
  const width = options.width ?? 560;
  const rowHeight = 16;
  const labelWidth = 150;
  const rows = options.groups.flatMap((group) => group.bars.map((bar) => ({ ...bar, group: group.label })));
  const height = rows.length * (rowHeight + 4) + options.groups.length * 18 + 10;
  const max = niceCeiling(Math.max(1, ...rows.map((row) => row.value ?? 0)));
  let y = 6;
  const parts: string[] = [];
  for (const group of options.groups) {
    parts.push(`<text x="0" y="${y + 12}" class="legend">${escapeHtml(group.label)}</text>`);
    y += 18;
    for (const bar of group.bars) {
      const length = ((bar.value ?? 0) / max) * (width - labelWidth - 70);
      parts.push(
        `<text x="${labelWidth - 6}" y="${y + 12}" class="tick" text-anchor="end">${escapeHtml(bar.name)}</text>`,
        `<rect x="${labelWidth}" y="${y}" width="${length.toFixed(1)}" height="${rowHeight}" fill="#6366f1" data-value="${bar.value ?? ''}"/>`,
        `<text x="${labelWidth + length + 4}" y="${y + 12}" class="tick">${bar.value === undefined ? '–' : `${Math.round(bar.value)} ${escapeHtml(options.unit)}`}</text>`,
      );
      y += rowHeight + 4;
    }
  }
  return `<figure><figcaption>${escapeHtml(options.title)}</figcaption><svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(options.title)}">${parts.join('')}</svg></figure>`;
}
