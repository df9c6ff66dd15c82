import { ArgumentsHost, Catch, RpcExceptionFilter, UseFilters, applyDecorators } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { OrderType, topologyNames } from '@bss/contracts';
import { Observable, throwError } from 'rxjs';

/**
 * Nest's default RPC filter turns every error into `{ status: 'error' }` and loses its class;
 * the processor needs the original error to tell a retryable failure from a terminal one.
 */
@Catch()
export class PassThroughErrorsFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}

export function handlerPatternFor(type: OrderType): string {
  return topologyNames().routingKeyFor(type);
}

/** Marks the method that processes orders of one type; the processor-kit dispatches to it. */
export function HandlesOrders(type: OrderType): MethodDecorator {
  return applyDecorators(EventPattern(handlerPatternFor(type)), UseFilters(PassThroughErrorsFilter));
}
