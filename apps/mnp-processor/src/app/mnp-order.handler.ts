import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { OrderOf } from '@bss/contracts';
import { BackendClient, HandlesOrders, OrderContext, OrderOutcome } from '@bss/processor-kit';

/** Port-ins: the clearing house moves the number from the donor operator, provisioning activates it. */
@Controller()
export class MnpOrderHandler {
  constructor(private readonly backend: BackendClient) {}

  @HandlesOrders('MNP')
  handle(@Payload() order: OrderOf<'MNP'>, @Ctx() context: OrderContext): Promise<OrderOutcome> {
    return this.backend.submit(order, context);
  }
}
