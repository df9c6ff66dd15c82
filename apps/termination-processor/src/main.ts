import { bootstrapProcessor } from '@bss/processor-kit';
import { TerminationOrderHandler } from './app/termination-order.handler';

void bootstrapProcessor({
  service: 'termination-processor',
  orderType: 'TERMINATION',
  handler: TerminationOrderHandler,
  defaultPort: 8084,
});
