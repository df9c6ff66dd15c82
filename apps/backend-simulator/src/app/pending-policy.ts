import { OrderType } from '@bss/contracts';
import { createHash } from 'node:crypto';

/** Port-ins wait for the number's current operator, via the clearing house; other orders are decided at once. */
const PENDING_TYPES: ReadonlySet<OrderType> = new Set(['MNP']);

/** The hash of an order id read as a number in [0, 1): the same order always lands at the same place. */
function positionOf(orderId: string): number {
  return createHash('sha256').update(orderId).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * Which orders the backend accepts as pending, and for how long. The choice depends on the order
 * id alone, never on a coin toss per call, so a status inquiry (the same order again) can never
 * find an order pending that was applied, or the other way round.
 */
export class PendingPolicy {
  constructor(
    /** 0 pends nothing, 1 every order of a pending type. */
    private readonly share: number,
    readonly durationMs: number,
  ) {}

  pends(type: OrderType, orderId: string): boolean {
    return PENDING_TYPES.has(type) && positionOf(orderId) < this.share;
  }
}
