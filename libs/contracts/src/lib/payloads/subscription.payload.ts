import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import {
  CUSTOMER_ID_FORMAT_HINT,
  CUSTOMER_ID_PATTERN,
  ICCID_PATTERN,
  IsCalendarDate,
  MSISDN_FORMAT_HINT,
  MSISDN_PATTERN,
  PLAN_CODE_FORMAT_HINT,
  PLAN_CODE_PATTERN,
  SALES_CHANNELS,
  SalesChannel,
} from './field-rules';

/** A new line or a re-subscription: billing opens an account line, provisioning activates the SIM. */
export class SubscriptionPayload {
  @IsString()
  @Matches(CUSTOMER_ID_PATTERN, { message: `customerId must be ${CUSTOMER_ID_FORMAT_HINT}` })
  customerId!: string;

  @IsString()
  @Matches(MSISDN_PATTERN, { message: `msisdn must be ${MSISDN_FORMAT_HINT}` })
  msisdn!: string;

  @IsString()
  @Matches(PLAN_CODE_PATTERN, { message: `planCode must be ${PLAN_CODE_FORMAT_HINT}` })
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
