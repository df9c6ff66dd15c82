import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { defineOrderType } from './define-order-type';
import { ICCID_PATTERN, IsCalendarDate, IsCustomerId, IsMsisdn, IsPlanCode, SALES_CHANNELS, SalesChannel } from '../payloads/field-rules';

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

export const SUBSCRIPTION_ORDER_TYPE = defineOrderType({
  type: 'SUBSCRIPTION',
  summary: 'new line or re-subscription',
  payload: SubscriptionPayload,
  example: {
    customerId: 'C00012345',
    msisdn: '010-1234-5678',
    planCode: '5G_STANDARD',
    simIccid: '8982012345678901234',
    channel: 'WEB',
  },
  backendResource: 'subscriptions',
  businessRejection: 'credit check failed',
  processor: {
    port: 8081,
    concurrency: 10,
    backendRateLimit: 100,
    backendMaxConcurrency: 20,
    autoscaling: { maxReplicas: 5, queueLengthTarget: 200, activationQueueLength: 10 },
  },
});
