import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { PublishRefusedError } from '@bss/messaging';
import type { Logger } from '@bss/observability';
import type { FastifyReply } from 'fastify';
import { refusalMessage } from '../http/intake-answers';
import { OrderRefusedError } from '../intake/order-intake.service';
import { PRODUCER_CONFIG, PRODUCER_LOGGER, ProducerConfig } from '../producer-config';

/** TMF630's Error resource, which every TMF622 endpoint answers with when it fails. */
export interface TmfErrorBody {
  readonly code: string;
  readonly reason: string;
  readonly message: string;
  readonly status: string;
  readonly referenceError?: string;
  readonly '@type': 'Error';
}

/** `code` names the kind of error for programs; `reason` says it in a few words; `message` says what to do. */
export class TmfError extends HttpException {
  constructor(status: number, code: string, reason: string, message: string) {
    super({ code, reason, message, status: String(status), '@type': 'Error' } satisfies TmfErrorBody, status);
  }
}

/** Our error codes (and reasons) for the statuses TMF622 routes answer. */
const KINDS: Partial<Record<number, readonly [code: string, reason: string]>> = {
  [HttpStatus.BAD_REQUEST]: ['invalidRequest', 'Bad request'],
  [HttpStatus.UNAUTHORIZED]: ['unauthorized', 'Unauthorized'],
  [HttpStatus.NOT_FOUND]: ['notFound', 'Not found'],
  [HttpStatus.CONFLICT]: ['conflict', 'Conflict'],
  [HttpStatus.PAYLOAD_TOO_LARGE]: ['tooLarge', 'Payload too large'],
  [HttpStatus.SERVICE_UNAVAILABLE]: ['serviceUnavailable', 'Service unavailable'],
};

/**
 * Every failure of a TMF622 route in TMF's Error shape: our own TmfErrors as they are, a refusal of the
 * broker before anything was sent as 503 with Retry-After (nothing of the product order was queued or
 * stored), Nest's exceptions (the API key guard's 401, the tracking store's 503) translated, and
 * anything else a 500 that is logged.
 */
@Catch()
export class TmfErrorFilter implements ExceptionFilter {
  constructor(
    @Inject(PRODUCER_CONFIG) private readonly config: ProducerConfig,
    @Inject(PRODUCER_LOGGER) private readonly logger: Logger,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body } = this.answerFor(error);
    if (status === HttpStatus.SERVICE_UNAVAILABLE) void reply.header('Retry-After', String(this.config.RETRY_AFTER_SEC));
    void reply.status(status).send(body);
  }

  private answerFor(error: unknown): { status: number; body: TmfErrorBody } {
    if (error instanceof PublishRefusedError || error instanceof OrderRefusedError) {
      const body = tmfErrorBody(503, 'notAccepted', error.reason, refusalMessage(error.reason).replace('the order was', 'the product order was'));
      return { status: 503, body };
    }
    if (error instanceof TmfError) return { status: error.getStatus(), body: error.getResponse() as TmfErrorBody };
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const response = error.getResponse();
      const message = typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? error.message);
      const [code, reason] = KINDS[status] ?? [`http${status}`, 'Error'];
      return { status, body: tmfErrorBody(status, code, reason, message) };
    }
    this.logger.error({ err: (error as Error)?.message }, 'TMF622 request failed');
    return { status: 500, body: tmfErrorBody(500, 'internalError', 'Internal error', 'The request failed; it may be resent.') };
  }
}

export function tmfErrorBody(status: number, code: string, reason: string, message: string): TmfErrorBody {
  return { code, reason, message, status: String(status), '@type': 'Error' };
}
