import { ratioRow, valueRow } from './result-row';
import { renderTable } from './table';

describe('result rows', () => {
  it('judges a ratio to its ceiling against the target', () => {
    const row = ratioRow({ section: 'intake', figure: 'single', value: 6000, unit: 'orders/s', ceiling: 10_000, target: { atLeast: 0.7 } });
    expect(row).toMatchObject({ ratio: 0.6, target: '≥ 0.7 × ceiling', verdict: 'fail' });
  });

  it('judges a value against its own target', () => {
    const row = valueRow({ section: 'memory', figure: 'producer-api peak RSS', value: 120, unit: 'MB', target: { atMost: 150 } });
    expect(row).toMatchObject({ target: '≤ 150 MB', verdict: 'pass' });
  });

  it('reports a figure without a target as not judged', () => {
    expect(valueRow({ section: 'intake', figure: 'errors', value: 0, unit: '' }).verdict).toBe('n/a');
  });
});

describe('renderTable', () => {
  it('prints one aligned Markdown line per row under the headers', () => {
    const table = renderTable([
      ratioRow({ section: 'drain', figure: 'instant handler', value: 21_000, unit: 'msg/s', ceiling: 40_000, target: { atLeast: 0.5 } }),
      valueRow({ section: 'memory', figure: 'processor peak RSS', value: undefined, unit: 'MB' }),
    ]);
    const lines = table.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toContain('21,000 msg/s');
    expect(lines[2]).toContain('0.53');
    expect(lines[2]).toContain('PASS');
    expect(lines[3]).toContain('—');
    expect(renderTable([valueRow({ section: 'intake', figure: 'errors', value: 0, unit: '' })])).toContain('| 0 ');
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
  });
});
