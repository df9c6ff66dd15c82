import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { OrderOf } from '@bss/contracts';
import { BackendClient, HandlesOrders, OrderContext, OrderOutcome } from '@bss/processor-kit';

/** TERMINATION orders. This handler is the one file of this app a team edits. */
@Controller()
export class TerminationOrderHandler {
  constructor(private readonly backend: BackendClient) {}

  @HandlesOrders('TERMINATION')
  handle(@Payload() order: OrderOf<'TERMINATION'>, @Ctx() context: OrderContext): Promise<OrderOutcome> {
    return this.backend.submit(order, context);
  }
}
