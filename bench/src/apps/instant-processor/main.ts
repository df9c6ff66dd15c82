import { definitionOf } from '@bss/contracts';
import { bootstrapProcessor } from '@bss/processor-kit';
import { BENCH_ORDER_TYPE } from '../../load/orders';
import { InstantOrderHandler } from './instant-order.handler';

void bootstrapProcessor({ service: 'bench-instant-processor', orderType: definitionOf(BENCH_ORDER_TYPE), handler: InstantOrderHandler });
