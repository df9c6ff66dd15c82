import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { OrderTrackingStore } from '@bss/order-tracking';
import { OpsAuthGuard } from '../auth/auth.guard';
import { FoundOrder, searchOrders } from '../tracking/order-search';
import { parseSearchText } from './request-parsing';
import { fromTrackingStore } from './tracking-store-call';

/** Operators find an order, whoever placed it, with its whole timeline (personal data masked by the publishers). */
@Controller('api/v1/orders')
@UseGuards(OpsAuthGuard)
export class OrdersController {
  constructor(@Inject(OrderTrackingStore) private readonly store: OrderTrackingStore) {}

  @Get()
  async search(@Query() query: Record<string, unknown>): Promise<{ q: string; orders: FoundOrder[] }> {
    const text = parseSearchText(query);
    return { q: text, orders: await fromTrackingStore(() => searchOrders(this.store, text)) };
  }
}
