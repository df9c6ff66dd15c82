import { parsePrometheusText, sumBy } from './prometheus-text';

const TEXT = `# HELP bss_backend_requests_total Backend calls
# TYPE bss_backend_requests_total counter
bss_backend_requests_total{type="MNP",status="200"} 40
bss_backend_requests_total{type="MNP",status="503"} 2
bss_backend_requests_total{status="timeout",type="CHANGE"} 1
bss_backend_rate_limit{type="MNP"} 40
bss_other_total 9
weird_label{type="a\\"b"} 1
`;

describe('parsePrometheusText', () => {
  it('keeps only the wanted metrics, with their labels in any order', () => {
    const samples = parsePrometheusText(TEXT, new Set(['bss_backend_requests_total', 'bss_backend_rate_limit']));
    expect(samples).toHaveLength(4);
    expect(sumBy(samples, 'bss_backend_requests_total', 'type')).toEqual(new Map([['MNP', 42], ['CHANGE', 1]]));
    expect(sumBy(samples, 'bss_backend_rate_limit', 'type')).toEqual(new Map([['MNP', 40]]));
  });

  it('unescapes label values', () => {
    expect(parsePrometheusText(TEXT, new Set(['weird_label']))[0].labels).toEqual({ type: 'a"b' });
  });

  it('reads every metric when none is named', () => {
    const names = new Set(parsePrometheusText('# HELP a A\na_total 1\nb{x="y"} 2.5\nnot a sample\n').map((sample) => sample.name));
    expect(names).toEqual(new Set(['a_total', 'b']));
  });
});
