/** One point of the end-to-end curve: an offered rate and the latencies measured at it. */
export interface CurvePoint {
  readonly shareOfSustainable: number;
  readonly offeredPerSec: number;
  readonly intakeP50Ms?: number;
  readonly intakeP99Ms?: number;
  readonly appliedP50Ms?: number;
  readonly appliedP99Ms?: number;
}

const WIDTH = 720;
const HEIGHT = 420;
const MARGIN = { left: 70, right: 170, top: 40, bottom: 55 };
const SERIES: readonly { key: keyof CurvePoint; label: string; color: string; dash: string }[] = [
  { key: 'intakeP50Ms', label: 'intake p50', color: '#1f77b4', dash: '4 3' },
  { key: 'intakeP99Ms', label: 'intake p99', color: '#1f77b4', dash: '' },
  { key: 'appliedP50Ms', label: 'accepted → applied p50', color: '#d62728', dash: '4 3' },
  { key: 'appliedP99Ms', label: 'accepted → applied p99', color: '#d62728', dash: '' },
];

/**
 * The end-to-end latency curve as an SVG: offered rate (and its share of the sustainable rate) on
 * x, latency on a logarithmic y axis (the p99 spans milliseconds to seconds as the load nears the
 * sustainable rate), one line per percentile.
 */
export function renderLatencyCurve(points: readonly CurvePoint[], sustainablePerSec: number, title: string): string {
  const values = points.flatMap((point) => SERIES.map((series) => point[series.key])).filter((value): value is number => typeof value === 'number' && value > 0);
  const lowest = Math.pow(10, Math.floor(Math.log10(Math.min(...values, 1))));
  const highest = Math.pow(10, Math.ceil(Math.log10(Math.max(...values, 10))));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (rate: number) => MARGIN.left + (rate / sustainablePerSec) * plotWidth;
  const y = (ms: number) => MARGIN.top + plotHeight - ((Math.log10(ms) - Math.log10(lowest)) / (Math.log10(highest) - Math.log10(lowest))) * plotHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${MARGIN.left}" y="22" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  for (let decade = lowest; decade <= highest; decade *= 10) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y(decade).toFixed(1)}" y2="${y(decade).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 8}" y="${(y(decade) + 4).toFixed(1)}" text-anchor="end">${decade >= 1000 ? `${decade / 1000} s` : `${decade} ms`}</text>`,
    );
  }
  for (const point of points) {
    const px = x(point.offeredPerSec).toFixed(1);
    parts.push(
      `<line x1="${px}" x2="${px}" y1="${MARGIN.top}" y2="${MARGIN.top + plotHeight}" stroke="#eee"/>`,
      `<text x="${px}" y="${MARGIN.top + plotHeight + 16}" text-anchor="middle">${Math.round(point.offeredPerSec).toLocaleString('en-US')}</text>`,
      `<text x="${px}" y="${MARGIN.top + plotHeight + 30}" text-anchor="middle" fill="#666">${Math.round(point.shareOfSustainable * 100)} %</text>`,
    );
  }
  parts.push(
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 8}" text-anchor="middle">offered orders/s (share of the sustainable ${Math.round(sustainablePerSec).toLocaleString('en-US')}/s)</text>`,
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#999"/>`,
  );
  SERIES.forEach((series, index) => {
    const measured = points.filter((point) => typeof point[series.key] === 'number' && (point[series.key] as number) > 0);
    const path = measured.map((point) => `${x(point.offeredPerSec).toFixed(1)},${y(point[series.key] as number).toFixed(1)}`).join(' ');
    const dash = series.dash ? ` stroke-dasharray="${series.dash}"` : '';
    parts.push(`<polyline points="${path}" fill="none" stroke="${series.color}" stroke-width="2"${dash}/>`);
    for (const point of measured) parts.push(`<circle cx="${x(point.offeredPerSec).toFixed(1)}" cy="${y(point[series.key] as number).toFixed(1)}" r="3" fill="${series.color}"/>`);
    const legendY = MARGIN.top + 10 + index * 20;
    const legendX = MARGIN.left + plotWidth + 12;
    parts.push(
      `<line x1="${legendX}" x2="${legendX + 24}" y1="${legendY}" y2="${legendY}" stroke="${series.color}" stroke-width="2"${dash}/>`,
      `<text x="${legendX + 30}" y="${legendY + 4}">${series.label}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
