import { ENVELOPE_VERSION, EXAMPLE_PAYLOADS, OrderEnvelope, OrderType, processorNameOf } from '@bss/contracts';
import { BackendClient } from '../lib/backend-client';
import { OrderContext, OrderOutcome } from '../lib/order-context';

interface OrderHandler {
  handle(order: never, context: OrderContext): Promise<OrderOutcome>;
}

/** An order of `type` with its example payload, as the processor-kit hands it to a handler. */
function exampleOrder(type: OrderType): OrderEnvelope {
  return {
    id: 'order-1',
    type,
    version: ENVELOPE_VERSION,
    acceptedAt: new Date().toISOString(),
    correlationId: 'corr-1',
    origin: 'api',
    payload: EXAMPLE_PAYLOADS[type],
  };
}

/** Checks a handler that passes its orders to the backend: the order and its context go there, its outcome comes back. */
export async function expectSubmitsToBackend(type: OrderType, createHandler: (backend: BackendClient) => OrderHandler): Promise<void> {
  const submit = jest.fn().mockResolvedValue({ outcome: 'applied' });
  const handler = createHandler({ submit } as unknown as BackendClient);
  const order = exampleOrder(type);
  const context = new OrderContext(1, false, order.correlationId, new AbortController().signal, Date.now() + 1000, processorNameOf({ type }));
  await expect(handler.handle(order as never, context)).resolves.toEqual({ outcome: 'applied' });
  expect(submit).toHaveBeenCalledWith(order, context);
}
