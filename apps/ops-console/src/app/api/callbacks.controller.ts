import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { CallbackStore, UndeliverableCallback } from '@bss/order-tracking';
import { OpsAuthGuard } from '../auth/auth.guard';
import { parseLimit } from './request-parsing';
import { fromTrackingStore } from './tracking-store-call';

type DeliveryCounts = Awaited<ReturnType<CallbackStore['counts']>>;

/** Callbacks given up after their last attempt: a client missed a state change and may need telling. */
@Controller('api/v1/callbacks')
@UseGuards(OpsAuthGuard)
export class CallbacksController {
  constructor(@Inject(CallbackStore) private readonly callbacks: CallbackStore) {}

  @Get('undeliverable')
  async undeliverable(@Query() query: Record<string, unknown>): Promise<{ items: UndeliverableCallback[]; counts: DeliveryCounts }> {
    const limit = parseLimit(query, 100);
    const [items, counts] = await fromTrackingStore(() => Promise.all([this.callbacks.undeliverable(limit), this.callbacks.counts()]));
    return { items, counts };
  }
}
