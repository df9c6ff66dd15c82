import { Inject, Injectable } from '@nestjs/common';
import { OrderRequest } from '@bss/contracts';
import type { Logger } from '@bss/observability';
import { ItemIntakeOutcome, NewProductOrder, ProductOrderConflictError, ProductOrderView } from '@bss/order-tracking';
import { randomUUID } from 'node:crypto';
import { nameBasedUuid, orderIdFor } from '../intake/order-id';
import { OrderIntakeService, OrderOutcomeUnknownError, OrderRefusedError } from '../intake/order-intake.service';
import { PRODUCER_LOGGER } from '../producer-config';
import { fromTrackingStore, TrackingStores } from '../tracking/tracking-stores';
import { ParsedProductOrder } from './product-order-request';
import { TmfError } from './tmf-error';

/** Namespace of product order ids made from an externalId (UUIDv5); fixed forever, or resends change id. */
const PRODUCT_ORDER_ID_NAMESPACE = Buffer.from('3d0f6a52b8e94c1d9a7e5b2c4f1e8d07', 'hex');

/**
 * A product order's id: made from its client and externalId when it has one, so that a resend of the
 * same product order is the same product order (and its items the same orders); a new one otherwise.
 */
export function productOrderIdFor(clientId: string, externalId: string | undefined): string {
  return externalId === undefined ? randomUUID() : nameBasedUuid(PRODUCT_ORDER_ID_NAMESPACE, `${clientId}:${externalId}`);
}

/** Each item is one of our orders, keyed so that resending the product order never applies an item twice. */
export function itemIdempotencyKey(productOrderId: string, itemId: string): string {
  return `tmf622:${productOrderId}:${itemId}`;
}

export interface PlacedProductOrder {
  readonly productOrder: ProductOrderView;
  /** False while some item was refused or not confirmed: the client resends the product order. */
  readonly complete: boolean;
}

/**
 * Places a product order: stores it, then publishes each item not accepted before as one order through
 * the v1 intake (same confirms, same deadline), concurrently, and records what the broker said of each.
 * Stored first, so that a product order whose items are queued can always be read back; removed again
 * when none of its items could be queued, so to its client it was never created.
 */
@Injectable()
export class ProductOrderIntake {
  constructor(
    private readonly intake: OrderIntakeService,
    private readonly stores: TrackingStores,
    @Inject(PRODUCER_LOGGER) private readonly logger: Logger,
  ) {}

  async place(order: ParsedProductOrder, correlationId: string, clientId: string): Promise<PlacedProductOrder> {
    const refusal = this.intake.refusalNow();
    if (refusal) throw refusal;
    const id = productOrderIdFor(clientId, order.externalId);
    const items = order.items.map((item) => {
      const request: OrderRequest = { type: item.type, origin: 'api', payload: item.payload, idempotencyKey: itemIdempotencyKey(id, item.itemId) };
      return { ...item, request, orderId: orderIdFor(item.type, request.idempotencyKey as string) };
    });
    const opened = await this.open({
      id,
      clientId,
      externalId: order.externalId,
      fields: order.fields,
      orderDate: new Date().toISOString(),
      items: items.map((item) => ({ itemId: item.itemId, orderId: item.orderId, type: item.type, item: item.attributes })),
    });
    const acceptedBefore = new Set(opened.items.filter((item) => item.intake === 'accepted').map((item) => item.itemId));
    const toSend = items.filter((item) => !acceptedBefore.has(item.itemId));

    const sent = await Promise.all(toSend.map(async (item) => ({ itemId: item.itemId, ...(await this.send(item.request, correlationId, clientId)) })));
    const outcomes = new Map(sent.map((result) => [result.itemId, result.outcome]));
    await fromTrackingStore(() => this.stores.productOrders.recordIntake(id, outcomes));
    const firstRefusal = sent.find((result) => result.refusal)?.refusal;
    if (firstRefusal && sent.every((result) => result.outcome === 'refused')) {
      if (opened.created) await fromTrackingStore(() => this.stores.productOrders.remove(id));
      throw firstRefusal;
    }
    const count = (outcome: ItemIntakeOutcome) => sent.filter((result) => result.outcome === outcome).length;
    this.logger.info(
      { productOrderId: id, correlationId, items: items.length, accepted: count('accepted'), refused: count('refused'), unknown: count('unknown') },
      'product order placed',
    );
    const productOrder = await fromTrackingStore(() => this.stores.productOrders.find(clientId, id));
    if (!productOrder) throw new Error(`product order ${id} vanished while it was placed`);
    return { productOrder, complete: sent.every((result) => result.outcome === 'accepted') };
  }

  private async open(order: NewProductOrder) {
    const opened = await fromTrackingStore(async () => {
      await this.stores.productOrders.ready();
      return this.stores.productOrders.open(order).catch((error: unknown) => {
        if (error instanceof ProductOrderConflictError) return error;
        throw error;
      });
    });
    if (opened instanceof ProductOrderConflictError) throw new TmfError(409, 'conflict', 'Conflict', opened.message);
    return opened;
  }

  private async send(request: OrderRequest, correlationId: string, clientId: string): Promise<{ outcome: ItemIntakeOutcome; refusal?: OrderRefusedError }> {
    try {
      await this.intake.accept(request, correlationId, clientId);
      return { outcome: 'accepted' };
    } catch (error) {
      if (error instanceof OrderRefusedError) return { outcome: 'refused', refusal: error };
      if (error instanceof OrderOutcomeUnknownError) return { outcome: 'unknown' };
      throw error;
    }
  }
}
