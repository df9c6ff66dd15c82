import { OrderType } from '../order-type';
import { ChangePayload } from './change.payload';
import { MnpPayload } from './mnp.payload';
import { SubscriptionPayload } from './subscription.payload';
import { TerminationPayload } from './termination.payload';

/** The payload class of each order type; the processor generator adds a line here for a new type. */
export const ORDER_PAYLOAD_CLASSES = {
  SUBSCRIPTION: SubscriptionPayload,
  MNP: MnpPayload,
  CHANGE: ChangePayload,
  TERMINATION: TerminationPayload,
} satisfies Record<OrderType, new () => object>;
