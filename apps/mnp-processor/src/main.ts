import { MNP_ORDER_TYPE } from '@bss/contracts';
import { bootstrapProcessor } from '@bss/processor-kit';
import { MnpOrderHandler } from './app/mnp-order.handler';

void bootstrapProcessor({ orderType: MNP_ORDER_TYPE, handler: MnpOrderHandler });
