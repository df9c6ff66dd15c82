import { ENVELOPE_VERSION, EXAMPLE_PAYLOADS, OrderEnvelope } from '@bss/contracts';
import { BackendClient, OrderContext } from '@bss/processor-kit';
import { TerminationOrderHandler } from './termination-order.handler';

describe('TerminationOrderHandler', () => {
  it('submits the order to the backend and returns its outcome', async () => {
    const submit = jest.fn().mockResolvedValue({ outcome: 'applied' });
    const handler = new TerminationOrderHandler({ submit } as unknown as BackendClient);
    const order: OrderEnvelope = {
      id: 'order-1',
      type: 'TERMINATION',
      version: ENVELOPE_VERSION,
      acceptedAt: new Date().toISOString(),
      correlationId: 'corr-1',
      origin: 'api',
      payload: EXAMPLE_PAYLOADS.TERMINATION,
    };
    const context = new OrderContext(1, false, 'corr-1', new AbortController().signal, Date.now() + 1000, 'termination-processor');
    await expect(handler.handle(order as never, context)).resolves.toEqual({ outcome: 'applied' });
    expect(submit).toHaveBeenCalledWith(order, context);
  });
});
