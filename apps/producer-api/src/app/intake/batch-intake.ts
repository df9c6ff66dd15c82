import { FieldError, ParsedOrderRequest } from '@bss/contracts';
import { RefusalReason, UnknownOutcomeReason } from '@bss/messaging';
import { AcceptedOrder, OrderIntakeService, OrderOutcomeUnknownError, OrderReference, OrderRefusedError } from './order-intake.service';

export type BatchItemResult =
  | { readonly index: number; readonly status: 'accepted'; readonly order: AcceptedOrder }
  | { readonly index: number; readonly status: 'rejected'; readonly errors: FieldError[] }
  | { readonly index: number; readonly status: 'failed'; readonly reason: RefusalReason; readonly order: OrderReference }
  | { readonly index: number; readonly status: 'unknown'; readonly reason: UnknownOutcomeReason; readonly order: OrderReference; readonly error: OrderOutcomeUnknownError };

/**
 * Validates every item, then publishes the valid ones concurrently on the shared confirm pipeline.
 * Each item stands alone: one invalid or refused order never affects the others. `failed` items
 * were not accepted (resend freely); `unknown` ones must be resent with their idempotency key.
 */
export async function acceptBatch(
  items: readonly unknown[],
  parse: (item: unknown, field: string) => ParsedOrderRequest,
  itemField: (index: number) => string,
  intake: OrderIntakeService,
  correlationId: string,
  clientId?: string,
): Promise<BatchItemResult[]> {
  return Promise.all(
    items.map(async (item, index): Promise<BatchItemResult> => {
      const parsed = parse(item, itemField(index));
      if (!parsed.ok) {
        intake.recordInvalid(item);
        return { index, status: 'rejected', errors: parsed.errors };
      }
      try {
        return { index, status: 'accepted', order: await intake.accept(parsed.request, correlationId, clientId) };
      } catch (error) {
        if (error instanceof OrderRefusedError) return { index, status: 'failed', reason: error.reason, order: error.order };
        if (error instanceof OrderOutcomeUnknownError) return { index, status: 'unknown', reason: error.reason, order: error.order, error };
        throw error;
      }
    }),
  );
}

export function countByStatus(results: readonly BatchItemResult[]) {
  const count = (status: BatchItemResult['status']) => results.filter((result) => result.status === status).length;
  return { accepted: count('accepted'), rejected: count('rejected'), failed: count('failed'), unknown: count('unknown') };
}
