import { ArgumentsHost, Catch, ExceptionFilter, Inject } from '@nestjs/common';
import { brokerFailureReason, BrokerUnavailableError, PublishRejectedError } from '@bss/messaging';
import type { FastifyReply } from 'fastify';
import { PRODUCER_CONFIG, ProducerConfig } from '../producer-config';

/**
 * A full queue or an unreachable broker is an expected condition, not a server fault: the client
 * gets 503 with Retry-After and knows the order was not accepted.
 */
@Catch(BrokerUnavailableError, PublishRejectedError)
export class BrokerErrorsFilter implements ExceptionFilter {
  constructor(@Inject(PRODUCER_CONFIG) private readonly config: ProducerConfig) {}

  catch(error: BrokerUnavailableError | PublishRejectedError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const reason = brokerFailureReason(error);
    void reply
      .status(503)
      .header('Retry-After', String(this.config.RETRY_AFTER_SEC))
      .send({
        statusCode: 503,
        error: 'Service Unavailable',
        reason,
        message:
          reason === 'queue-full'
            ? 'The order queue is full; the order was not accepted. Retry later.'
            : 'The message broker is unavailable; the order was not accepted. Retry later.',
      });
  }
}
