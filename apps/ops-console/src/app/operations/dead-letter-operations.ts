import { parseOrderType } from '@bss/contracts';
import { PublishOutcomeUnknownError, PublishRefusedError } from '@bss/messaging';
import { DeadLetterLifecycle } from '../lifecycle/dead-letter-lifecycle';
import { DeadLetterStore } from '../store/dead-letter-store';
import { ReplayPublisher } from './replay-publisher';

/** Which dead letters an operation acts on: listed ids, or every `dead` one of a type. */
export type Selection = { readonly ids: readonly string[] } | { readonly type: string };

export interface OperationResult {
  /** Ids the operation changed. */
  readonly done: string[];
  /** Ids it could not act on, with why (not in state `dead`, locked elsewhere, publish failed...). */
  readonly failed: { id: string; error: string }[];
}

export interface OperationListener {
  onReplayed(type: string, count: number): void;
  onChanged(): void;
}

const BATCH_SIZE = 200;

/**
 * Replay and purge over the store. A replay publishes with a confirm first and marks the row
 * `replayed` in the same transaction that locked it; a crash between the confirm and the commit
 * leaves the row `dead` and the order published, so a second replay publishes it again: the
 * backend's Idempotency-Key (the order id) makes that harmless.
 */
export class DeadLetterOperations {
  constructor(
    private readonly store: DeadLetterStore,
    private readonly publisher: ReplayPublisher,
    private readonly lifecycle: DeadLetterLifecycle,
    private readonly listener?: OperationListener,
  ) {}

  async replay(selection: Selection, actor: string): Promise<OperationResult> {
    return this.inBatches(selection, async (batch) => {
      const attempts = await Promise.all(
        batch.rows.map(async (row) => {
          const type = parseOrderType(row.orderType);
          if (!type) return { row, error: `order type ${row.orderType} cannot be replayed` };
          try {
            await this.publisher.publish(row, type);
            return { row, error: undefined };
          } catch (error) {
            return { row, error: replayFailure(error as Error) };
          }
        }),
      );
      const published = attempts.filter((attempt) => attempt.error === undefined).map((attempt) => attempt.row);
      await batch.mark(
        published.map((row) => row.id),
        'replayed',
        'replayed',
        actor,
      );
      for (const row of published) this.lifecycle.replayed(row, actor);
      for (const [type, count] of countByType(published.map((row) => row.orderType))) this.listener?.onReplayed(type, count);
      return {
        done: published.map((row) => row.id),
        failed: attempts.flatMap((attempt) => (attempt.error === undefined ? [] : [{ id: attempt.row.id, error: attempt.error }])),
      };
    });
  }

  async purge(selection: Selection, actor: string): Promise<OperationResult> {
    return this.inBatches(selection, async (batch) => {
      const ids = batch.rows.map((row) => row.id);
      await batch.mark(ids, 'purged', 'purged', actor);
      for (const row of batch.rows) this.lifecycle.purged(row, actor);
      return { done: ids, failed: [] };
    });
  }

  /**
   * Ids are handled in one batch; a whole type in batches until none is left `dead`, stopping early
   * if a batch achieves nothing (every remaining row failing), so a broker outage ends the loop.
   */
  private async inBatches(
    selection: Selection,
    work: (batch: Parameters<Parameters<DeadLetterStore['withLockedDead']>[2]>[0]) => Promise<OperationResult>,
  ): Promise<OperationResult> {
    const done: string[] = [];
    const failed: OperationResult['failed'] = [];
    const byIds = 'ids' in selection;
    for (;;) {
      const result = await this.store.withLockedDead(selection, byIds ? selection.ids.length : BATCH_SIZE, work);
      done.push(...result.done);
      failed.push(...result.failed);
      if (byIds || result.done.length === 0 || result.failed.length > 0) break;
    }
    if (byIds) {
      const seen = new Set([...done, ...failed.map((failure) => failure.id)]);
      for (const id of selection.ids) if (!seen.has(id)) failed.push({ id, error: 'not found in state dead (or being handled by another operation)' });
    }
    if (done.length > 0) this.listener?.onChanged();
    return { done, failed };
  }
}

/**
 * A row that was not replayed stays `dead` either way; what the operator needs to know is whether
 * the order may be in the queue anyway. Replaying it again is safe in both cases: it keeps its
 * order id, which the backend applies once.
 */
function replayFailure(error: Error): string {
  if (error instanceof PublishRefusedError) return `not replayed, nothing was sent (${error.reason}): ${error.message}`;
  if (error instanceof PublishOutcomeUnknownError) {
    return `outcome unknown (${error.reason}): the broker may have taken it; it stays dead, and replaying it again is safe (same order id)`;
  }
  return `not replayed: ${error.message}`;
}

function countByType(types: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of types) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}
