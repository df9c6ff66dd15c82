import { ArgumentsHost, Catch, ExceptionFilter, Inject } from '@nestjs/common';
import { PublishRefusedError } from '@bss/messaging';
import type { FastifyReply } from 'fastify';
import { OrderOutcomeUnknownError, OrderRefusedError } from '../intake/order-intake.service';
import { PRODUCER_CONFIG, ProducerConfig } from '../producer-config';
import { replyOutcomeUnknown, replyRefused } from './intake-answers';

/**
 * A refused publish or an unconfirmed one is an expected condition, not a server fault: the client
 * gets 503 (not accepted, resend freely) or 504 (outcome unknown, resend with the same key).
 */
@Catch(PublishRefusedError, OrderRefusedError, OrderOutcomeUnknownError)
export class BrokerErrorsFilter implements ExceptionFilter {
  constructor(@Inject(PRODUCER_CONFIG) private readonly config: ProducerConfig) {}

  catch(error: PublishRefusedError | OrderRefusedError | OrderOutcomeUnknownError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (error instanceof OrderOutcomeUnknownError) replyOutcomeUnknown(reply, error, this.config.RETRY_AFTER_SEC);
    else replyRefused(reply, error, this.config.RETRY_AFTER_SEC);
  }
}
