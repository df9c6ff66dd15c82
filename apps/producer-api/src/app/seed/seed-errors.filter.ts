import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { seedFailure } from './seed-envelope';

const STATUS_WORDS: Partial<Record<number, string>> = { 401: '인증 실패', 403: '권한 없음', 404: '찾을 수 없음' };

/**
 * A seed client reads `성공` and `세부정보.오류타입` from every answer, refusals by a guard included;
 * Nest's own error shape would have neither.
 */
@Catch(HttpException)
export class SeedErrorsFilter implements ExceptionFilter {
  catch(exception: HttpException, host: ArgumentsHost): void {
    const status = exception.getStatus();
    const word = STATUS_WORDS[status] ?? '요청 실패';
    void host.switchToHttp().getResponse<FastifyReply>().status(status).send(seedFailure(`${word}: ${exception.message}`, exception.name));
  }
}
