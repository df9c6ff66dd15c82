import { IsIn, IsOptional } from 'class-validator';
import { defineOrderType } from './define-order-type';
import { DiffersFrom, IsCalendarDate, IsCustomerId, IsMsisdn, IsPlanCode, OPERATOR_CODES, OperatorCode } from '../payloads/field-rules';

/** A port-in: the number moves from the donor operator to us through the national clearing house. */
export class MnpPayload {
  @IsCustomerId()
  customerId!: string;

  @IsMsisdn()
  msisdn!: string;

  @IsIn(OPERATOR_CODES, { message: `donorOperator must be one of ${OPERATOR_CODES.join(', ')}` })
  donorOperator!: OperatorCode;

  @IsIn(OPERATOR_CODES, { message: `recipientOperator must be one of ${OPERATOR_CODES.join(', ')}` })
  @DiffersFrom('donorOperator')
  recipientOperator!: OperatorCode;

  @IsPlanCode()
  planCode!: string;

  @IsOptional()
  @IsCalendarDate()
  requestedPortDate?: string;
}

export const MNP_ORDER_TYPE = defineOrderType({
  type: 'MNP',
  summary: 'number port-in from another operator',
  payload: MnpPayload,
  example: {
    customerId: 'C00054321',
    msisdn: '01098765432',
    donorOperator: 'KT',
    recipientOperator: 'SKT',
    planCode: 'LTE_DATA_33',
    requestedPortDate: '2026-12-01',
  },
  backendResource: 'number-ports',
  businessRejection: 'number is not portable',
  processor: {
    port: 8082,
    concurrency: 10,
    backendRateLimit: 100,
    backendMaxConcurrency: 20,
    autoscaling: { maxReplicas: 3, queueLengthTarget: 200, activationQueueLength: 10 },
  },
});
