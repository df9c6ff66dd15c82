import { SUBSCRIPTION_ORDER_TYPE } from '@bss/contracts';
import { bootstrapProcessor } from '@bss/processor-kit';
import { SubscriptionOrderHandler } from './app/subscription-order.handler';

void bootstrapProcessor({ orderType: SUBSCRIPTION_ORDER_TYPE, handler: SubscriptionOrderHandler });
