import { ServiceUnavailableException } from '@nestjs/common';
import { CallbackStore, OrderTrackingStore, ProductOrderStore } from '@bss/order-tracking';

/** The tracker's store as producer-api uses it: it reads orders, keeps callback subscriptions and TMF622 product orders. */
export class TrackingStores {
  constructor(
    readonly orders: OrderTrackingStore,
    readonly callbacks: CallbackStore,
    readonly productOrders: ProductOrderStore,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.orders.close().catch(() => undefined);
  }
}

/**
 * Runs a read or write of the tracking store; PostgreSQL being down (or the tracker not having created
 * its tables yet) is a 503 of its own. Intake never depends on it.
 */
export async function fromTrackingStore<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new ServiceUnavailableException(`the order tracking store is unavailable (${(error as Error).message}); orders are still accepted`);
  }
}
