import { OrderType } from './order-type';

/** One valid payload per order type: documentation by example, and the seed of tests and load. */
export const EXAMPLE_PAYLOADS: Readonly<Record<OrderType, Record<string, unknown>>> = {
  SUBSCRIPTION: {
    customerId: 'C00012345',
    msisdn: '010-1234-5678',
    planCode: '5G_STANDARD',
    simIccid: '8982012345678901234',
    channel: 'WEB',
  },
  MNP: {
    customerId: 'C00054321',
    msisdn: '01098765432',
    donorOperator: 'KT',
    recipientOperator: 'SKT',
    planCode: 'LTE_DATA_33',
    requestedPortDate: '2026-12-01',
  },
  CHANGE: {
    customerId: 'C00011111',
    msisdn: '010-2222-3333',
    changeKind: 'FAMILY',
    newHolder: { customerId: 'C00022222', name: '김민수', relationship: 'CHILD' },
  },
  TERMINATION: {
    customerId: 'C00033333',
    msisdn: '011-123-4567',
    reason: 'CUSTOMER_REQUEST',
    effectiveDate: '2026-12-31',
  },
};
