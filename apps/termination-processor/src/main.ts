import { TERMINATION_ORDER_TYPE } from '@bss/contracts';
import { bootstrapProcessor } from '@bss/processor-kit';
import { TerminationOrderHandler } from './app/termination-order.handler';

void bootstrapProcessor({ orderType: TERMINATION_ORDER_TYPE, handler: TerminationOrderHandler });
