import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { defineOrderType } from './define-order-type';
import { IsCalendarDate, IsCustomerId, IsMsisdn } from '../payloads/field-rules';

export const TERMINATION_REASONS = ['CUSTOMER_REQUEST', 'NON_PAYMENT', 'PORT_OUT', 'DECEASED', 'FRAUD'] as const;
export type TerminationReason = (typeof TERMINATION_REASONS)[number];

/** Line termination: billing closes the account line, provisioning releases the number and SIM. */
export class TerminationPayload {
  @IsCustomerId()
  customerId!: string;

  @IsMsisdn()
  msisdn!: string;

  @IsIn(TERMINATION_REASONS, { message: `reason must be one of ${TERMINATION_REASONS.join(', ')}` })
  reason!: TerminationReason;

  @IsCalendarDate()
  effectiveDate!: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export const TERMINATION_ORDER_TYPE = defineOrderType({
  type: 'TERMINATION',
  summary: 'line termination',
  payload: TerminationPayload,
  example: {
    customerId: 'C00033333',
    msisdn: '011-123-4567',
    reason: 'CUSTOMER_REQUEST',
    effectiveDate: '2026-12-31',
  },
  backendResource: 'terminations',
  businessRejection: 'line has an unpaid balance',
  processor: {
    port: 8084,
    concurrency: 10,
    backendRateLimit: 80,
    backendMaxConcurrency: 20,
    autoscaling: { maxReplicas: 3, queueLengthTarget: 200, activationQueueLength: 10 },
  },
});
