import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { OrderOf } from '@bss/contracts';
import { BackendClient, HandlesOrders, OrderContext, OrderOutcome } from '@bss/processor-kit';

/** New lines and re-subscriptions: billing opens the account line, provisioning activates the SIM. */
@Controller()
export class SubscriptionOrderHandler {
  constructor(private readonly backend: BackendClient) {}

  @HandlesOrders('SUBSCRIPTION')
  handle(@Payload() order: OrderOf<'SUBSCRIPTION'>, @Ctx() context: OrderContext): Promise<OrderOutcome> {
    return this.backend.submit(order, context);
  }
}
