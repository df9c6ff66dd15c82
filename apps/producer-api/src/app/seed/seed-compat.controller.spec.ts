import { TopologyNames } from '@bss/contracts';
import { BrokerProbe, eventually, TEST_BROKER_URL, uniqueTopology, UNREACHABLE_BROKER_URL } from '@bss/messaging/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { hostname } from 'node:os';
import { startProducerForTest, untilReady } from '../testing/producer-test-app';

const API_KEY = 'seed-compat-api-key-0123456789';
const OPERATOR_KEY = 'seed-compat-operator-key-0123456789';
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const QUEUE_SETTINGS = (prefix: string) => ({ 큐이름: `${prefix}.*`, 내구성: true, 자동삭제: false, 배타적: false, TTL: null, 큐타입: 'quorum', 최대길이: 100_000, 전달한도: 20 });

function post(app: NestFastifyApplication, url: string, body: unknown, headers: Record<string, string> = { 'x-api-key': API_KEY }) {
  return app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, payload: JSON.stringify(body) });
}

function get(app: NestFastifyApplication, url: string, headers: Record<string, string> = { 'x-api-key': API_KEY }) {
  return app.inject({ method: 'GET', url, headers });
}

function toggle(app: NestFastifyApplication, headers: Record<string, string>) {
  return app.inject({ method: 'POST', url: '/api/monitoring/toggle', headers });
}

describe("the seed's API, answer by answer, against the real broker", () => {
  let probe: BrokerProbe;
  beforeAll(async () => {
    probe = await BrokerProbe.connect();
  });
  afterAll(() => probe.close());

  describe('with the broker up, API keys and an operator key configured', () => {
    let app: NestFastifyApplication;
    let names: TopologyNames;

    beforeAll(async () => {
      names = uniqueTopology('seed-compat');
      app = await startProducerForTest({ RABBITMQ_URL: TEST_BROKER_URL, QUEUE_NAME: names.prefix, API_KEYS: API_KEY, OPERATOR_API_KEYS: OPERATOR_KEY, PORT: '8123' });
      await untilReady(app);
    });
    afterAll(async () => {
      await app.close();
      await probe.deleteTopology(names);
    });

    it('answers GET / as the seed did, without a key', async () => {
      const root = await app.inject({ method: 'GET', url: '/' });
      expect(root.statusCode).toBe(200);
      expect(root.json()).toEqual({ message: 'Producer running' });
    });

    it('answers a message, an unknown type, a schema fault and a missing key in the seed shape; the stats count them', async () => {
      const sent = await post(app, '/api/message', { 타입: 'mnp', 내용: '번호이동 요청' });
      expect(sent.statusCode).toBe(200);
      expect(sent.json()).toEqual({
        성공: true,
        메시지: '메시지가 큐에 전송되었습니다',
        타임스탬프: ISO,
        세부정보: { 메시지아이디: expect.any(String), 메시지타입: 'MNP', 큐이름: names.queueFor('MNP'), 전송시간: ISO },
      });

      const badType = await post(app, '/api/message', { 타입: 'ROAMING', 내용: '로밍' });
      expect(badType.statusCode).toBe(400);
      expect(badType.json()).toEqual({
        성공: false,
        메시지: '메시지 처리 실패: 유효하지 않은 메시지 타입: ROAMING',
        타임스탬프: ISO,
        세부정보: { 오류타입: 'ValueError', 오류목록: [{ field: '타입', messages: [expect.stringContaining('"ROAMING"')] }] },
      });

      const noContent = await post(app, '/api/message', { 타입: 'MNP' });
      expect(noContent.statusCode).toBe(400);
      expect(noContent.json()).toMatchObject({
        성공: false,
        메시지: '메시지 검증 실패',
        세부정보: { 오류타입: 'RequestValidationError', 오류목록: [{ field: '내용' }] },
      });
      expect(noContent.json().detail).toEqual(
        noContent.json().세부정보.오류목록.flatMap((error: { messages: string[] }) => error.messages.map((msg) => ({ loc: ['body', '내용'], msg, type: 'value_error' }))),
      );

      const noKey = await post(app, '/api/message', { 타입: 'MNP', 내용: 'x' }, {});
      expect(noKey.statusCode).toBe(401);
      expect(noKey.json()).toEqual({
        성공: false,
        메시지: '인증 실패: an API key is required (x-api-key header or Authorization: Bearer)',
        타임스탬프: ISO,
        세부정보: { 오류타입: 'UnauthorizedException' },
      });

      const stats = await get(app, '/api/stats');
      expect(stats.statusCode).toBe(200);
      expect(stats.json()).toEqual({
        기본통계: {
          총요청수: 3,
          성공요청수: 1,
          실패요청수: 2,
          성공률: '33.33%',
          실패사유별: { invalid: 2, 'queue-full': 0, 'broker-unavailable': 0, 'broker-blocked': 0, 'broker-not-confirming': 0, unroutable: 0, 'outcome-unknown': 0 },
        },
        타입별통계: { SUBSCRIPTION: 0, MNP: 1, CHANGE: 0, TERMINATION: 0 },
        시스템정보: { 시작시간: ISO, 모니터링상태: true, 큐설정: QUEUE_SETTINGS(names.prefix), 브로커연결됨: true },
      });
      await probe.drain(names.queueFor('MNP'));
    });

    it("answers a batch with the seed's counts, and an empty one in the seed's words", async () => {
      const batch = await post(app, '/api/messages/batch', {
        메시지목록: [
          { 타입: 'CHANGE', 내용: '명의변경' },
          { 타입: 'X', 내용: 'y' },
          { 타입: 'termination', 내용: '해지' },
        ],
      });
      expect(batch.statusCode).toBe(200);
      const answer = batch.json();
      expect(answer).toMatchObject({ 성공: true, 메시지: '배치 전송 완료: 2/3 성공', 타임스탬프: ISO });
      expect(Object.keys(answer.세부정보)).toEqual(['원본메시지개수', '검증성공개수', '검증실패개수', '전송성공개수', '전송실패개수', '최종성공률', '결과불명개수', '결과']);
      expect(answer.세부정보).toMatchObject({ 원본메시지개수: 3, 검증성공개수: 2, 검증실패개수: 1, 전송성공개수: 2, 전송실패개수: 0, 최종성공률: 66.67, 결과불명개수: 0 });
      expect(await probe.messageCount(names.queueFor('CHANGE'))).toBe(1);
      expect(await probe.messageCount(names.queueFor('TERMINATION'))).toBe(1);

      const empty = await post(app, '/api/messages/batch', { 메시지목록: [] });
      expect(empty.statusCode).toBe(400);
      expect(empty.json()).toEqual({ 성공: false, 메시지: '전송할 메시지가 없습니다', 타임스탬프: ISO, 세부정보: { 오류타입: 'ValueError', 전체개수: 0 } });

      const notAList = await post(app, '/api/messages/batch', { 메시지목록: {} });
      expect(notAList.json()).toMatchObject({ 성공: false, 세부정보: { 오류타입: 'RequestValidationError' }, detail: [{ loc: ['body', '메시지목록'] }] });
    });

    it('answers the queue status and the router info from the broker, the password redacted', async () => {
      await probe.drain(names.queueFor('CHANGE'));
      await probe.drain(names.queueFor('TERMINATION'));
      expect((await post(app, '/api/message', { 타입: 'SUBSCRIPTION', 내용: '신규 가입' })).statusCode).toBe(200);

      // A quorum queue's count of ready messages may lag the acks of a drain for a moment.
      const status = await eventually(() => get(app, '/api/queue/status'), (response) => response.json().세부정보?.메시지개수 === 1);
      expect(status.statusCode).toBe(200);
      expect(status.json()).toMatchObject({ 성공: true, 메시지: '큐 상태 조회 성공', 타임스탬프: ISO, 세부정보: { 큐이름: `${names.prefix}.*`, 메시지개수: 1, 소비자개수: 0 } });
      expect(status.json().세부정보.큐목록).toHaveLength(4);

      const info = await get(app, '/api/router/info');
      expect(info.statusCode).toBe(200);
      expect(info.json()).toEqual({
        라우터정보: {
          유효한메시지타입: ['SUBSCRIPTION', 'MNP', 'CHANGE', 'TERMINATION'],
          대상큐: `${names.prefix}.*`,
          타입별대상큐: {
            SUBSCRIPTION: names.queueFor('SUBSCRIPTION'),
            MNP: names.queueFor('MNP'),
            CHANGE: names.queueFor('CHANGE'),
            TERMINATION: names.queueFor('TERMINATION'),
          },
          모니터링상태: true,
        },
        // The router info's queue state is the seed's; the status adds the backlog's age, which the seed lacks.
        큐상태: (({ backlog: _backlog, ...seedKeys }) => seedKeys)(status.json().세부정보),
        설정정보: { 연결문자열: TEST_BROKER_URL.replace(/:[^:@/]+@/, ':***@'), 큐설정: QUEUE_SETTINGS(names.prefix) },
      });
      expect(info.body).not.toContain(new URL(TEST_BROKER_URL).password + '@');
      await probe.drain(names.queueFor('SUBSCRIPTION'));
    });

    it("answers GET /api/config from this process's settings, no secret in it", async () => {
      const config = await get(app, '/api/config');
      expect(config.statusCode).toBe(200);
      expect(config.json()).toEqual({
        연결: { 큐연결문자열: TEST_BROKER_URL.replace(/:[^:@/]+@/, ':***@'), 큐이름: `${names.prefix}.*` },
        모니터링: { 활성화: true, 시작설정: true },
        큐설정: QUEUE_SETTINGS(names.prefix),
        처리설정: { 배치크기: null, 타임아웃: null, 프리페치카운트: null, 최대재시도: null, 재시도지연: null, 안내: expect.stringContaining('processor') },
        포트설정: { API: 8123, 메트릭: 8123, 헬스체크: 8123 },
        로깅: { 레벨: 'info' },
      });
      expect(config.body).not.toContain(API_KEY);
      expect(config.body).not.toContain(OPERATOR_KEY);
    });

    it('lets only an operator toggle monitoring, which pauses and resumes GET /metrics of this process', async () => {
      for (const headers of [{}, { 'x-api-key': API_KEY }, { authorization: 'Bearer not-an-operator-key-000' }] as Record<string, string>[]) {
        const refused = await toggle(app, headers);
        expect(refused.statusCode).toBe(403);
        expect(refused.json()).toEqual({
          성공: false,
          메시지: '권한 없음: this route needs an operator key (one of OPERATOR_API_KEYS)',
          타임스탬프: ISO,
          세부정보: { 오류타입: 'ForbiddenException' },
        });
      }
      expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);

      const off = await toggle(app, { 'x-api-key': OPERATOR_KEY });
      expect(off.statusCode).toBe(200);
      expect(off.json()).toEqual({
        성공: true,
        메시지: '모니터링 상태 변경: 비활성화',
        타임스탬프: ISO,
        세부정보: { 전환대상: expect.stringContaining('GET /metrics'), 프로세스: hostname() },
        모니터링상태: false,
      });
      expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
      expect((await get(app, '/api/stats')).json().시스템정보.모니터링상태).toBe(false);
      expect((await get(app, '/api/config')).json().모니터링).toEqual({ 활성화: false, 시작설정: true });

      const on = await toggle(app, { authorization: `Bearer ${OPERATOR_KEY}` });
      expect(on.json()).toMatchObject({ 성공: true, 메시지: '모니터링 상태 변경: 활성화', 모니터링상태: true });
      const metrics = await app.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.statusCode).toBe(200);
      // Recording went on while paused: the orders accepted earlier in this suite are all still counted.
      expect(metrics.body).toContain('bss_orders_accepted_total{type="MNP"} 1');
    });
  });

  describe('with the broker unreachable, no operator key and MONITORING_ENABLED=false', () => {
    let app: NestFastifyApplication;

    beforeAll(async () => {
      app = await startProducerForTest({ RABBITMQ_URL: UNREACHABLE_BROKER_URL, QUEUE_NAME: uniqueTopology('seed-compat-down').prefix, MONITORING_ENABLED: 'false' });
    });
    afterAll(() => app.close());

    it('answers a message, the queue status and the router info with the seed keys and honest nulls', async () => {
      const refused = await post(app, '/api/message', { 타입: 'MNP', 내용: '요청' }, {});
      expect(refused.statusCode).toBe(503);
      expect(refused.json()).toMatchObject({
        성공: false,
        메시지: expect.stringContaining('메시지 브로커에 연결할 수 없습니다'),
        세부정보: { 오류타입: 'OrderRefusedError', 메시지아이디: expect.any(String), 사유: 'broker-unavailable' },
      });

      const status = await get(app, '/api/queue/status', {});
      expect(status.statusCode).toBe(503);
      expect(status.json()).toEqual({
        성공: false,
        메시지: '큐 상태 조회 실패: 메시지 브로커에 연결되어 있지 않습니다',
        타임스탬프: ISO,
        세부정보: { 오류타입: 'QueueStatusUnavailableError', 사유: 'broker-unavailable' },
      });

      const info = await get(app, '/api/router/info', {});
      expect(info.statusCode).toBe(200);
      expect(info.json().큐상태).toEqual({ 큐이름: expect.any(String), 메시지개수: null, 소비자개수: null, 오류: '큐 상태 조회 실패: 메시지 브로커에 연결되어 있지 않습니다' });
      expect(info.json().라우터정보.모니터링상태).toBe(false);
      expect(info.json().설정정보.연결문자열).toBe('amqp://guest:***@127.0.0.1:1');
    });

    it('keeps the toggle closed to everyone when no operator key is configured', async () => {
      const refused = await toggle(app, { 'x-api-key': 'any-key-at-all-0123456789' });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().메시지).toBe('권한 없음: no operator keys are configured (OPERATOR_API_KEYS), so nobody may call this route');
    });
  });

  it('answers 409 to an operator of a process started with MONITORING_ENABLED=false, which has nothing to expose', async () => {
    const app = await startProducerForTest({ RABBITMQ_URL: UNREACHABLE_BROKER_URL, OPERATOR_API_KEYS: OPERATOR_KEY, MONITORING_ENABLED: 'false' });
    try {
      const refused = await toggle(app, { 'x-api-key': OPERATOR_KEY });
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({
        성공: false,
        메시지: expect.stringContaining('MONITORING_ENABLED=false'),
        세부정보: { 오류타입: 'MonitoringOffAtStartError' },
        모니터링상태: false,
      });
      expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});
