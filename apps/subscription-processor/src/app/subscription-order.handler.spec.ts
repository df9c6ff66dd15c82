import { expectSubmitsToBackend } from '@bss/processor-kit/testing';
import { SubscriptionOrderHandler } from './subscription-order.handler';

describe('SubscriptionOrderHandler', () => {
  it('submits the order to the backend and returns its outcome', () => expectSubmitsToBackend('SUBSCRIPTION', (backend) => new SubscriptionOrderHandler(backend)));
});
