import { bootstrapProcessor } from '@bss/processor-kit';
import { ChangeOrderHandler } from './app/change-order.handler';

void bootstrapProcessor({
  service: 'change-processor',
  orderType: 'CHANGE',
  handler: ChangeOrderHandler,
  defaultPort: 8083,
});
