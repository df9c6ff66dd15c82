import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsCalendarDate, IsCustomerId, IsMsisdn } from './field-rules';

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
