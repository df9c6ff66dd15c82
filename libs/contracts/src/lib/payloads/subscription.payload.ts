import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { ICCID_PATTERN, IsCalendarDate, IsCustomerId, IsMsisdn, IsPlanCode, SALES_CHANNELS, SalesChannel } from './field-rules';

/** A new line or a re-subscription: billing opens an account line, provisioning activates the SIM. */
export class SubscriptionPayload {
  @IsCustomerId()
  customerId!: string;

  @IsMsisdn()
  msisdn!: string;

  @IsPlanCode()
  planCode!: string;

  @IsOptional()
  @IsString()
  @Matches(ICCID_PATTERN, { message: 'simIccid must be 89 followed by 17 or 18 digits' })
  simIccid?: string;

  @IsOptional()
  @IsIn(SALES_CHANNELS, { message: `channel must be one of ${SALES_CHANNELS.join(', ')}` })
  channel?: SalesChannel;

  @IsOptional()
  @IsCalendarDate()
  activationDate?: string;
}
