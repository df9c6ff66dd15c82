import { FieldError, ParsedOrderRequest } from '@bss/contracts';
import { brokerFailureReason, BrokerUnavailableError, PublishRejectedError } from '@bss/messaging';
import { AcceptedOrder, OrderIntakeService } from './order-intake.service';

export type BatchItemResult =
  | { readonly index: number; readonly status: 'accepted'; readonly order: AcceptedOrder }
  | { readonly index: number; readonly status: 'rejected'; readonly errors: FieldError[] }
  | {
      readonly index: number;
      readonly status: 'failed';
      readonly reason: 'queue-full' | 'broker-unavailable';
      readonly message: string;
    };

/**
 * Validates every item, then publishes the valid ones concurrently on the shared confirm pipeline.
 * Each item stands alone: one invalid or refused order never affects the others.
 */
export async function acceptBatch(
  items: readonly unknown[],
  parse: (item: unknown, field: string) => ParsedOrderRequest,
  itemField: (index: number) => string,
  intake: OrderIntakeService,
  correlationId: string,
): Promise<BatchItemResult[]> {
  return Promise.all(
    items.map(async (item, index): Promise<BatchItemResult> => {
      const parsed = parse(item, itemField(index));
      if (!parsed.ok) {
        intake.recordInvalid(item);
        return { index, status: 'rejected', errors: parsed.errors };
      }
      try {
        return { index, status: 'accepted', order: await intake.accept(parsed.request, correlationId) };
      } catch (error) {
        const reason = brokerFailureReason(error as BrokerUnavailableError | PublishRejectedError);
        return { index, status: 'failed', reason, message: (error as Error).message };
      }
    }),
  );
}

export function countByStatus(results: readonly BatchItemResult[]) {
  return {
    accepted: results.filter((result) => result.status === 'accepted').length,
    rejected: results.filter((result) => result.status === 'rejected').length,
    failed: results.filter((result) => result.status === 'failed').length,
  };
}
