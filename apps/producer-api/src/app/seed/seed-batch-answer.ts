import { BatchItemResult, countByStatus } from '../intake/batch-intake';
import { SEED_REFUSAL_MESSAGES, SEED_UNKNOWN_ITEM_MESSAGE } from './seed-broker-answers';
import { SeedAnswer, seedAnswer, seedFailure } from './seed-envelope';

/** The seed's answer to an empty `메시지목록`, kept word for word (the status is ours: 400). */
export function seedEmptyBatch(): SeedAnswer {
  return seedFailure('전송할 메시지가 없습니다', 'ValueError', { 전체개수: 0 });
}

/**
 * The seed's batch answer: `성공` when at least one message was sent, its six counts, and the rate
 * sent / received in percent. Unlike the seed, each item stands alone (one bad type does not fail
 * the batch), so each item's result is listed too; an item of unknown outcome counts as not sent.
 */
export function seedBatchAnswer(results: readonly BatchItemResult[]): SeedAnswer {
  const counts = countByStatus(results);
  const received = results.length;
  return seedAnswer(counts.accepted > 0, `배치 전송 완료: ${counts.accepted}/${received} 성공`, {
    원본메시지개수: received,
    검증성공개수: received - counts.rejected,
    검증실패개수: counts.rejected,
    전송성공개수: counts.accepted,
    전송실패개수: counts.failed + counts.unknown,
    최종성공률: received === 0 ? 0 : Math.round((counts.accepted / received) * 10_000) / 100,
    결과불명개수: counts.unknown,
    결과: results.map(seedItemResult),
  });
}

function seedItemResult(result: BatchItemResult) {
  switch (result.status) {
    case 'accepted':
      return { 순번: result.index, 성공: true, 메시지아이디: result.order.orderId, 메시지타입: result.order.type };
    case 'rejected':
      return { 순번: result.index, 성공: false, 사유: result.errors };
    case 'failed':
      return { 순번: result.index, 성공: false, 사유: result.reason, 메시지아이디: result.order.orderId, 메시지: SEED_REFUSAL_MESSAGES[result.reason] };
    case 'unknown':
      return {
        순번: result.index,
        성공: false,
        결과: '알 수 없음',
        사유: result.reason,
        메시지아이디: result.order.orderId,
        멱등키: result.order.idempotencyKey,
        메시지: SEED_UNKNOWN_ITEM_MESSAGE,
      };
  }
}
