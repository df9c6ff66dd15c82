import { loadConfig } from '@bss/config';
import { topologyNames } from '@bss/contracts';
import { producerConfigSchema } from '../producer-config';
import { seedConfiguration, seedRouterInfo } from './seed-configuration';

const config = loadConfig(producerConfigSchema, {
  RABBITMQ_URL: 'amqp://bss-producer:Pa55-w0rd@rabbit-0:5672,amqp://bss-producer:Pa55-w0rd@rabbit-1:5672',
  QUEUE_NAME: 'shop.orders',
  PORT: '8123',
  LOG_LEVEL: 'debug',
  API_KEYS: 'api-key-aaaaaaaaaaaaaaaa',
  OPERATOR_API_KEYS: 'operator-key-bbbbbbbbbbbb',
});
const names = topologyNames('shop.orders');
const queueSettings = { 큐이름: 'shop.orders.*', 내구성: true, 자동삭제: false, 배타적: false, TTL: null, 큐타입: 'quorum', 최대길이: 100_000, 전달한도: 20 };

describe('seedConfiguration', () => {
  it('answers every key of the seed from the configuration, the connection string redacted', () => {
    const answer = seedConfiguration(config, names, false);
    expect(answer).toEqual({
      연결: { 큐연결문자열: 'amqp://bss-producer:***@rabbit-0:5672,amqp://bss-producer:***@rabbit-1:5672', 큐이름: 'shop.orders.*' },
      모니터링: { 활성화: false, 시작설정: true },
      큐설정: queueSettings,
      처리설정: {
        배치크기: null,
        타임아웃: null,
        프리페치카운트: null,
        최대재시도: null,
        재시도지연: null,
        안내: expect.stringContaining('MAX_RETRIES'),
      },
      포트설정: { API: 8123, 메트릭: 8123, 헬스체크: 8123 },
      로깅: { 레벨: 'debug' },
    });
    expect(JSON.stringify(answer)).not.toMatch(/Pa55-w0rd|api-key-a|operator-key-b/);
  });
});

describe('seedRouterInfo', () => {
  it('names the valid types, where each goes, the queue state given, and the redacted connection', () => {
    const queueStatus = { 큐이름: 'shop.orders.*', 메시지개수: 3, 소비자개수: 2 };
    const answer = seedRouterInfo(config, names, true, queueStatus);
    expect(answer).toEqual({
      라우터정보: {
        유효한메시지타입: ['SUBSCRIPTION', 'MNP', 'CHANGE', 'TERMINATION'],
        대상큐: 'shop.orders.*',
        타입별대상큐: { SUBSCRIPTION: 'shop.orders.subscription', MNP: 'shop.orders.mnp', CHANGE: 'shop.orders.change', TERMINATION: 'shop.orders.termination' },
        모니터링상태: true,
      },
      큐상태: queueStatus,
      설정정보: { 연결문자열: 'amqp://bss-producer:***@rabbit-0:5672,amqp://bss-producer:***@rabbit-1:5672', 큐설정: queueSettings },
    });
    expect(JSON.stringify(answer)).not.toContain('Pa55-w0rd');
  });
});
