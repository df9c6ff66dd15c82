import { ArgumentsHost, Catch, RpcExceptionFilter, UseFilters, applyDecorators } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { OrderOf, OrderType, topologyNames } from '@bss/contracts';
import { Observable, throwError } from 'rxjs';
import { OrderContext, OrderOutcome } from './order-context';

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

/** A method that can handle orders of type `T`: it takes them with their payload typed by `T`'s definition. */
export type OrderHandlerMethod<T extends OrderType> = (order: OrderOf<T>, context: OrderContext) => Promise<OrderOutcome>;

/**
 * Marks the method that processes orders of one type; the processor-kit dispatches to it. The
 * method's signature is checked against the type: a handler of `'MNP'` that expects another type's
 * payload does not compile.
 */
export function HandlesOrders<T extends OrderType>(type: T) {
  const decorate = applyDecorators(EventPattern(handlerPatternFor(type)), UseFilters(PassThroughErrorsFilter));
  return <M extends OrderHandlerMethod<T>>(target: object, method: string | symbol, descriptor: TypedPropertyDescriptor<M>): void => {
    decorate(target, method, descriptor);
  };
}
