import { ORDER_TYPES, TopologyNames } from '@bss/contracts';
import { ProducerConfig } from '../producer-config';
import { redactUrl } from './redact-url';
import { seedQueueName, seedQueueSettings } from './seed-queue';

/** The seed printed its AMQP URL, password included; ours prints where it connects, one URL per node. */
export function redactedConnectionString(config: ProducerConfig): string {
  return config.RABBITMQ_URL.map(redactUrl).join(',');
}

/**
 * The seed's consumer settings have no value in producer-api: each processor has its own, so they are
 * null here rather than numbers that would describe nothing.
 */
const PROCESSING_SETTINGS_ARE_THE_PROCESSORS = {
  배치크기: null,
  타임아웃: null,
  프리페치카운트: null,
  최대재시도: null,
  재시도지연: null,
  안내: '처리 설정은 처리기(*-processor)마다 따로 있습니다: BATCH_SIZE, PROCESSING_TIMEOUT_SEC, CONCURRENCY(프리페치), MAX_RETRIES, RETRY_BACKOFF_MS',
} as const;

/** The seed's `GET /api/config`, from this process's configuration; no secret leaves it. */
export function seedConfiguration(config: ProducerConfig, names: TopologyNames, monitoring: boolean) {
  return {
    연결: { 큐연결문자열: redactedConnectionString(config), 큐이름: seedQueueName(names) },
    모니터링: { 활성화: monitoring, 시작설정: config.MONITORING_ENABLED },
    큐설정: seedQueueSettings(names, config),
    처리설정: PROCESSING_SETTINGS_ARE_THE_PROCESSORS,
    // One HTTP server answers the API, /metrics and the health probes.
    포트설정: { API: config.PORT, 메트릭: config.PORT, 헬스체크: config.PORT },
    로깅: { 레벨: config.LOG_LEVEL },
  };
}

/** The seed's `GET /api/router/info`: which types go where, the queues' state, and the (redacted) connection. */
export function seedRouterInfo(config: ProducerConfig, names: TopologyNames, monitoring: boolean, queueStatus: Record<string, unknown>) {
  return {
    라우터정보: {
      유효한메시지타입: [...ORDER_TYPES],
      대상큐: seedQueueName(names),
      타입별대상큐: Object.fromEntries(ORDER_TYPES.map((type) => [type, names.queueFor(type)])),
      모니터링상태: monitoring,
    },
    큐상태: queueStatus,
    설정정보: { 연결문자열: redactedConnectionString(config), 큐설정: seedQueueSettings(names, config) },
  };
}
