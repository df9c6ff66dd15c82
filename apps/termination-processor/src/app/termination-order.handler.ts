import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { TerminationPayload, OrderEnvelope } from '@bss/contracts';
import { BackendClient, HandlesOrders, OrderContext, OrderOutcome } from '@bss/processor-kit';

/** TERMINATION orders. This handler is the one file of this app a team edits. */
@Controller()
export class TerminationOrderHandler {
  constructor(private readonly backend: BackendClient) {}

  @HandlesOrders('TERMINATION')
  handle(@Payload() order: OrderEnvelope<TerminationPayload>, @Ctx() context: OrderContext): Promise<OrderOutcome> {
    return this.backend.submit(order, context);
  }
}
