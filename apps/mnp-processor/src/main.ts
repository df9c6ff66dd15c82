import { bootstrapProcessor } from '@bss/processor-kit';
import { MnpOrderHandler } from './app/mnp-order.handler';

void bootstrapProcessor({
  service: 'mnp-processor',
  orderType: 'MNP',
  handler: MnpOrderHandler,
  defaultPort: 8082,
});
