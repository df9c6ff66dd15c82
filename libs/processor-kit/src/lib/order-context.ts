/** What a handler knows about the delivery it is processing, beside the order itself. */
export class OrderContext {
  constructor(
    readonly attempt: number,
    readonly redelivered: boolean,
    readonly correlationId: string,
    /** Aborted when the processing timeout expires; pass it to every I/O the handler starts. */
    readonly signal: AbortSignal,
    /** Epoch ms at which the processing timeout expires. */
    readonly deadlineMs: number,
    /** Name of the processor, sent to the backend so its ledger shows who applied what. */
    readonly processor: string,
  ) {}
}

/**
 * Outcomes of a handled order. A business rejection is an outcome, not a failure to retry. A
 * pending order was accepted but not decided yet: submitting it again (same Idempotency-Key) after
 * `checkAfterMs` asks the backend for the result.
 */
export type OrderOutcome =
  | { readonly outcome: 'applied' }
  | { readonly outcome: 'duplicate' }
  | { readonly outcome: 'rejected'; readonly detail: string }
  | { readonly outcome: 'pending'; readonly reference: string; readonly checkAfterMs: number };
