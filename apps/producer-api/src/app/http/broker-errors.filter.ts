import { ArgumentsHost, Catch, ExceptionFilter, Inject } from '@nestjs/common';
import { PublishRefusedError } from '@bss/messaging';
import type { FastifyReply } from 'fastify';
import { OrderOutcomeUnknownError } from '../intake/order-intake.service';
import { PRODUCER_CONFIG, ProducerConfig } from '../producer-config';
import { replyOutcomeUnknown, replyRefused } from './intake-answers';

/**
 * A refused publish or an unconfirmed one is an expected condition, not a server fault: the client
 * gets 503 (not accepted, resend freely) or 504 (outcome unknown, resend with the same key).
 */
@Catch(PublishRefusedError, OrderOutcomeUnknownError)
export class BrokerErrorsFilter implements ExceptionFilter {
  constructor(@Inject(PRODUCER_CONFIG) private readonly config: ProducerConfig) {}

  catch(error: PublishRefusedError | OrderOutcomeUnknownError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (error instanceof PublishRefusedError) replyRefused(reply, error, this.config.RETRY_AFTER_SEC);
    else replyOutcomeUnknown(reply, error, this.config.RETRY_AFTER_SEC);
  }
}
