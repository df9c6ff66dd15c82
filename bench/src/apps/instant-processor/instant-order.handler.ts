import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { OrderEnvelope } from '@bss/contracts';
import { HandlesOrders, OrderOutcome } from '@bss/processor-kit';
import { BENCH_ORDER_TYPE } from '../../load/orders';

/** Applies every order at once: what is left is the processor-kit's own cost per message. */
@Controller()
export class InstantOrderHandler {
  @HandlesOrders(BENCH_ORDER_TYPE)
  handle(@Payload() _order: OrderEnvelope): Promise<OrderOutcome> {
    return Promise.resolve({ outcome: 'applied' });
  }
}
