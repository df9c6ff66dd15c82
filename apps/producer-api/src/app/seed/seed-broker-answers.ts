import { RefusalReason } from '@bss/messaging';
import { refusalMessage, unknownOutcomeAdvice } from '../http/intake-answers';
import { OrderOutcomeUnknownError } from '../intake/order-intake.service';
import { SeedAnswer, seedFailure } from './seed-envelope';

const NOT_SENT = '메시지를 받지 못했고 큐에 아무것도 남지 않았습니다. 잠시 후 다시 보내세요.';

export const SEED_REFUSAL_MESSAGES: Record<RefusalReason, string> = {
  'queue-full': `큐가 가득 찼습니다. ${NOT_SENT}`,
  'broker-unavailable': `메시지 브로커에 연결할 수 없습니다. ${NOT_SENT}`,
  'broker-blocked': `메시지 브로커가 자원 경보로 메시지를 막았습니다. ${NOT_SENT}`,
  'broker-not-confirming': `메시지 브로커가 제때 확인하지 못하고 있어 보내지 않았습니다. ${NOT_SENT}`,
  unroutable: `이 타입의 메시지를 받을 큐가 없습니다. ${NOT_SENT}`,
};

export const SEED_UNKNOWN_ITEM_MESSAGE =
  '브로커 확인이 제때 오지 않아 전송 결과를 알 수 없습니다. 이 메시지만 POST /api/message 로, 멱등키를 Idempotency-Key 헤더에 넣어 다시 보내세요 (배치로 다시 보내면 새 메시지가 됩니다).';

const SEED_UNKNOWN_MESSAGE =
  '브로커 확인이 제때 오지 않아 전송 결과를 알 수 없습니다. 같은 메시지를 같은 Idempotency-Key 헤더로 다시 보내면 두 번 처리되지 않습니다.';

/** Not accepted, nothing queued (503). A single message's answer names the id that was not queued, as the seed's did. */
export function seedRefused(reason: RefusalReason, errorType: string, orderId?: string): SeedAnswer {
  return seedFailure(SEED_REFUSAL_MESSAGES[reason], errorType, { ...(orderId ? { 메시지아이디: orderId } : {}), 사유: reason, 영문: refusalMessage(reason) });
}

/** Outcome unknown (504): what was sent, and the key that makes a resend safe. */
export function seedOutcomeUnknown(error: OrderOutcomeUnknownError): SeedAnswer {
  const { orderId, type, idempotencyKey } = error.order;
  return seedFailure(SEED_UNKNOWN_MESSAGE, error.name, {
    결과: '알 수 없음',
    사유: error.reason,
    메시지아이디: orderId,
    메시지타입: type,
    멱등키: idempotencyKey,
    영문: unknownOutcomeAdvice(error).message,
  });
}
