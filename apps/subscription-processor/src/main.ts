import { bootstrapProcessor } from '@bss/processor-kit';
import { SubscriptionOrderHandler } from './app/subscription-order.handler';

void bootstrapProcessor({
  service: 'subscription-processor',
  orderType: 'SUBSCRIPTION',
  handler: SubscriptionOrderHandler,
  defaultPort: 8081,
});
