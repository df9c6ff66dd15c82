import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import {
  CUSTOMER_ID_FORMAT_HINT,
  CUSTOMER_ID_PATTERN,
  IsCalendarDate,
  MSISDN_FORMAT_HINT,
  MSISDN_PATTERN,
} from './field-rules';

export const TERMINATION_REASONS = ['CUSTOMER_REQUEST', 'NON_PAYMENT', 'PORT_OUT', 'DECEASED', 'FRAUD'] as const;
export type TerminationReason = (typeof TERMINATION_REASONS)[number];

/** Line termination: billing closes the account line, provisioning releases the number and SIM. */
export class TerminationPayload {
  @IsString()
  @Matches(CUSTOMER_ID_PATTERN, { message: `customerId must be ${CUSTOMER_ID_FORMAT_HINT}` })
  customerId!: string;

  @IsString()
  @Matches(MSISDN_PATTERN, { message: `msisdn must be ${MSISDN_FORMAT_HINT}` })
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
