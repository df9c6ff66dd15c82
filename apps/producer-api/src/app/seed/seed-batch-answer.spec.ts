import { BatchItemResult } from '../intake/batch-intake';
import { OrderOutcomeUnknownError } from '../intake/order-intake.service';
import { seedBatchAnswer, seedEmptyBatch } from './seed-batch-answer';

const reference = (orderId: string) => ({ orderId, type: 'MNP' as const, idempotencyKey: `key-${orderId}`, correlationId: 'corr-1' });
const accepted = (index: number): BatchItemResult => ({
  index,
  status: 'accepted',
  order: { ...reference(`id-${index}`), acceptedAt: '2026-01-01T00:00:00.000Z', queue: 'bss.orders.mnp' },
});

describe('seedBatchAnswer', () => {
  it('keeps the seed keys and counts: 성공 when one was sent, the rate in percent', () => {
    const unknownOrder = reference('id-3');
    const results: BatchItemResult[] = [
      accepted(0),
      { index: 1, status: 'rejected', errors: [{ field: '메시지목록[1].타입', messages: ['bad type'] }] },
      { index: 2, status: 'failed', reason: 'queue-full', order: reference('id-2') },
      { index: 3, status: 'unknown', reason: 'confirm-timeout', order: unknownOrder, error: new OrderOutcomeUnknownError(unknownOrder, 'confirm-timeout', 'late') },
      accepted(4),
      accepted(5),
    ];
    const answer = seedBatchAnswer(results);
    expect(answer).toMatchObject({ 성공: true, 메시지: '배치 전송 완료: 3/6 성공' });
    expect(answer.세부정보).toMatchObject({
      원본메시지개수: 6,
      검증성공개수: 5,
      검증실패개수: 1,
      전송성공개수: 3,
      전송실패개수: 2,
      최종성공률: 50,
      결과불명개수: 1,
    });
    expect((answer.세부정보 as { 결과: unknown[] }).결과).toEqual([
      { 순번: 0, 성공: true, 메시지아이디: 'id-0', 메시지타입: 'MNP' },
      { 순번: 1, 성공: false, 사유: [{ field: '메시지목록[1].타입', messages: ['bad type'] }] },
      { 순번: 2, 성공: false, 사유: 'queue-full', 메시지아이디: 'id-2', 메시지: expect.stringContaining('큐가 가득 찼습니다') },
      { 순번: 3, 성공: false, 결과: '알 수 없음', 사유: 'confirm-timeout', 메시지아이디: 'id-3', 멱등키: 'key-id-3', 메시지: expect.stringContaining('Idempotency-Key') },
      { 순번: 4, 성공: true, 메시지아이디: 'id-4', 메시지타입: 'MNP' },
      { 순번: 5, 성공: true, 메시지아이디: 'id-5', 메시지타입: 'MNP' },
    ]);
  });

  it('rounds the rate to two decimals, as a number', () => {
    const answer = seedBatchAnswer([accepted(0), { index: 1, status: 'rejected', errors: [] }, { index: 2, status: 'rejected', errors: [] }]);
    expect(answer.세부정보).toMatchObject({ 최종성공률: 33.33 });
    expect(typeof answer.세부정보?.['최종성공률']).toBe('number');
  });

  it('is not a success when nothing was sent', () => {
    const answer = seedBatchAnswer([{ index: 0, status: 'failed', reason: 'broker-blocked', order: reference('id-0') }]);
    expect(answer).toMatchObject({ 성공: false, 메시지: '배치 전송 완료: 0/1 성공', 세부정보: { 전송성공개수: 0, 전송실패개수: 1, 최종성공률: 0 } });
  });
});

describe('seedEmptyBatch', () => {
  it('answers in the seed words', () => {
    expect(seedEmptyBatch()).toEqual({
      성공: false,
      메시지: '전송할 메시지가 없습니다',
      타임스탬프: expect.any(String),
      세부정보: { 오류타입: 'ValueError', 전체개수: 0 },
    });
  });
});
