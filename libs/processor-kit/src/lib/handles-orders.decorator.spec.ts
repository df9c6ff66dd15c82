import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { OrderEnvelope, OrderOf, TerminationPayload } from '@bss/contracts';
import { HandlesOrders } from './handles-orders.decorator';
import { OrderContext, OrderOutcome } from './order-context';

const applied: OrderOutcome = { outcome: 'applied' };

class PortInHandler {
  @HandlesOrders('MNP')
  handle(order: OrderOf<'MNP'>, _context: OrderContext): Promise<OrderOutcome> {
    return Promise.resolve(order.payload.donorOperator === order.payload.recipientOperator ? { outcome: 'rejected', detail: 'same operator' } : applied);
  }
}

class AnyOrderHandler {
  @HandlesOrders('TERMINATION')
  handle(_order: OrderEnvelope): Promise<OrderOutcome> {
    return Promise.resolve(applied);
  }
}

class MismatchedHandler {
  // @ts-expect-error a port-in handler cannot take a termination's payload: the type decides the payload
  @HandlesOrders('MNP')
  handle(_order: OrderEnvelope<TerminationPayload>): Promise<OrderOutcome> {
    return Promise.resolve(applied);
  }
}

class NotAHandler {
  // @ts-expect-error a handler answers an outcome, asynchronously
  @HandlesOrders('MNP')
  handle(_order: OrderOf<'MNP'>): string {
    return 'applied';
  }
}

describe('HandlesOrders', () => {
  it("routes the type's orders to the method", () => {
    expect(Reflect.getMetadata(PATTERN_METADATA, PortInHandler.prototype.handle)).toEqual(['order.mnp']);
    expect(Reflect.getMetadata(PATTERN_METADATA, AnyOrderHandler.prototype.handle)).toEqual(['order.termination']);
  });

  it('is checked at compile time only: mismatched handlers still carry the pattern', () => {
    expect(Reflect.getMetadata(PATTERN_METADATA, MismatchedHandler.prototype.handle)).toEqual(['order.mnp']);
    expect(Reflect.getMetadata(PATTERN_METADATA, NotAHandler.prototype.handle)).toEqual(['order.mnp']);
  });
});
