import { topologyNames } from '@bss/contracts';
import { loadConfig } from '@bss/config';
import { createMetrics } from '@bss/observability';
import { IntakeMetrics } from '../intake/intake-metrics';
import { producerConfigSchema } from '../producer-config';
import { seedQueueSettings } from './seed-queue';
import { seedStatistics } from './seed-statistics';

const queueSettings = seedQueueSettings(topologyNames('bss.orders'), loadConfig(producerConfigSchema, {}));

describe('seedStatistics', () => {
  it('keeps every key of the seed, with counts of this process and the success rate as "N.NN%"', () => {
    const intake = new IntakeMetrics(createMetrics({ enabled: false }));
    intake.orderAccepted('MNP', 0.01);
    intake.orderAccepted('MNP', 0.01);
    intake.orderAccepted('CHANGE', 0.01);
    intake.orderRejected('SUBSCRIPTION', 'invalid');
    intake.orderRejected('MNP', 'queue-full');
    intake.orderOutcomeUnknown('TERMINATION', 'confirm-timeout');
    intake.orderRejected('unknown', 'unauthorized');

    expect(seedStatistics(intake.snapshot(), { monitoring: true, brokerConnected: true, queueSettings })).toEqual({
      기본통계: {
        총요청수: 6,
        성공요청수: 3,
        실패요청수: 3,
        성공률: '50.00%',
        실패사유별: {
          invalid: 1,
          'queue-full': 1,
          'broker-unavailable': 0,
          'broker-blocked': 0,
          'broker-not-confirming': 0,
          unroutable: 0,
          'outcome-unknown': 1,
        },
      },
      타입별통계: { SUBSCRIPTION: 0, MNP: 2, CHANGE: 1, TERMINATION: 0 },
      시스템정보: {
        시작시간: intake.startedAt.toISOString(),
        모니터링상태: true,
        큐설정: { 큐이름: 'bss.orders.*', 내구성: true, 자동삭제: false, 배타적: false, TTL: null, 큐타입: 'quorum', 최대길이: 100_000, 전달한도: 20 },
        브로커연결됨: true,
      },
    });
  });

  it('rounds the rate to two decimals and answers 0.00% before any request', () => {
    const intake = new IntakeMetrics(createMetrics({ enabled: false }));
    const system = { monitoring: false, brokerConnected: false, queueSettings };
    expect(seedStatistics(intake.snapshot(), system).기본통계).toMatchObject({ 총요청수: 0, 성공률: '0.00%' });
    intake.orderAccepted('MNP', 0.01);
    intake.orderAccepted('MNP', 0.01);
    intake.orderRejected('MNP', 'invalid');
    expect(seedStatistics(intake.snapshot(), system).기본통계.성공률).toBe('66.67%');
    expect(seedStatistics(intake.snapshot(), system).시스템정보).toMatchObject({ 모니터링상태: false, 브로커연결됨: false });
  });
});
