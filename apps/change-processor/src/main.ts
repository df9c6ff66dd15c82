import { CHANGE_ORDER_TYPE } from '@bss/contracts';
import { bootstrapProcessor } from '@bss/processor-kit';
import { ChangeOrderHandler } from './app/change-order.handler';

void bootstrapProcessor({ orderType: CHANGE_ORDER_TYPE, handler: ChangeOrderHandler });
