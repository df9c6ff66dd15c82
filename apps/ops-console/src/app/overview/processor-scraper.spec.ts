import { readingOf } from './processor-scraper';

const METRICS = `# HELP bss_messages_processed_total Deliveries processed, by outcome
# TYPE bss_messages_processed_total counter
bss_messages_processed_total{type="MNP",outcome="applied"} 40
bss_messages_processed_total{type="MNP",outcome="duplicate"} 2
bss_messages_processed_total{type="MNP",outcome="rejected"} 3
bss_messages_processed_total{type="MNP",outcome="retried"} 5
bss_messages_processed_total{type="MNP",outcome="deferred"} 7
bss_messages_processed_total{type="MNP",outcome="dead-lettered"} 1
bss_messages_processed_total{type="MNP",outcome="requeued"} 100
# TYPE bss_backend_rate_limit gauge
bss_backend_rate_limit{type="MNP"} 25
bss_backend_rate_limit{type="CHANGE"} 10
# TYPE bss_backend_learned_limit gauge
bss_backend_learned_limit{type="MNP"} 21.5
`;

describe('readingOf', () => {
  it('counts every delivery that left the order queue, and not those handed back to it', () => {
    expect(readingOf('http://mnp/metrics', METRICS).removed).toEqual(new Map([['MNP', 58]]));
  });

  it('reads the configured budget and the limit the replicas allow themselves', () => {
    const reading = readingOf('http://mnp/metrics', METRICS);
    expect(reading.budget.get('MNP')).toBe(25);
    expect(reading.learnedLimit).toEqual(new Map([['MNP', 21.5]]));
  });

  it('knows the types a replica reports before it has processed anything', () => {
    const reading = readingOf('http://idle/metrics', 'bss_backend_rate_limit{type="CHANGE"} 10\n');
    expect(reading.types).toEqual(new Set(['CHANGE']));
    expect(reading.removed.size).toBe(0);
  });
});
