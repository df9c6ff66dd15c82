import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { OrderEnvelope, OrderType } from '@bss/contracts';
import { BrokerConnection, LifecycleRecorder, OrderConsumer, TopologyOptions } from '@bss/messaging';
import { Logger } from '@bss/observability';
import { lastValueFrom } from 'rxjs';
import { handlerPatternFor } from './handles-orders.decorator';
import { OrderContext, OrderOutcome } from './order-context';
import { OrderDispatcher } from './order-dispatcher';
import { ProcessorMetrics, unrecordedProcessorMetrics } from './processor-metrics';
import { QueueLengthSampler } from './queue-length-sampler';
import { RetrySchedule } from './retry-policy';

/**
 * With lifecycle events, a delivery whose handler finished still waits for its final event's confirm
 * before its ack. The consumer takes this many times the concurrency, so that the handlers (never more
 * than the concurrency at once) are not kept idle by deliveries waiting for a confirm.
 */
const PREFETCH_PER_HANDLER_WITH_LIFECYCLE = 2;

export interface OrderQueueServerOptions {
  readonly orderType: OrderType;
  readonly processor: string;
  readonly topology: TopologyOptions;
  /** Orders handled at once; also the prefetch, unless lifecycle events are published. */
  readonly prefetch: number;
  readonly timeoutMs: number;
  readonly retrySchedule: RetrySchedule;
  readonly shutdownGraceMs: number;
  readonly logger: Logger;
  readonly metrics?: ProcessorMetrics;
  /** A connection of its own for retries and dead letters (see OrderConsumerOptions). */
  readonly publishConnection?: BrokerConnection;
  /** Where the orders' transitions are published. */
  readonly lifecycle?: LifecycleRecorder;
}

/**
 * A NestJS microservice transport over our own consumer: Nest owns the lifecycle and finds the
 * `@HandlesOrders` method; the consumer owns acks, prefetch and dead letters. Consuming starts only
 * in `listen`, i.e. after every provider is ready.
 */
export class OrderQueueServer extends Server implements CustomTransportStrategy {
  private consumer?: OrderConsumer;
  private sampler?: QueueLengthSampler;

  constructor(
    private readonly connection: BrokerConnection,
    private readonly options: OrderQueueServerOptions,
  ) {
    super();
  }

  listen(callback: () => void): void {
    const pattern = handlerPatternFor(this.options.orderType);
    const handler = this.getHandlerByPattern(pattern);
    if (!handler) throw new Error(`no @HandlesOrders('${this.options.orderType}') handler is registered`);

    const metrics = this.options.metrics ?? unrecordedProcessorMetrics();
    const queue = this.options.topology.names.queueFor(this.options.orderType);
    const dispatcher = new OrderDispatcher({
      orderType: this.options.orderType,
      processor: this.options.processor,
      timeoutMs: this.options.timeoutMs,
      retrySchedule: this.options.retrySchedule,
      logger: this.options.logger,
      metrics,
      lifecycle: this.options.lifecycle,
      concurrency: this.options.prefetch,
      invoke: async (order: OrderEnvelope, context: OrderContext) =>
        lastValueFrom(this.transformToObservable(await handler(order, context))) as Promise<OrderOutcome>,
    });
    this.consumer = new OrderConsumer(this.connection, {
      queue,
      prefetch: this.options.lifecycle ? this.options.prefetch * PREFETCH_PER_HANDLER_WITH_LIFECYCLE : this.options.prefetch,
      topology: this.options.topology,
      retryRoutingKey: this.options.topology.names.routingKeyFor(this.options.orderType),
      logger: this.options.logger,
      publishConnection: this.options.publishConnection,
      handle: (message) => dispatcher.dispatch(message),
    });
    this.consumer.start();
    if (metrics.recording) {
      this.sampler = new QueueLengthSampler(this.connection, queue, metrics);
      this.sampler.start();
    }
    callback();
  }

  isConsuming(): boolean {
    return this.consumer?.isConsuming() ?? false;
  }

  inFlightCount(): number {
    return this.consumer?.inFlightCount() ?? 0;
  }

  async close(): Promise<void> {
    this.sampler?.stop();
    if (!this.consumer) return;
    const { finished, handedBack } = await this.consumer.stop(this.options.shutdownGraceMs);
    this.options.logger.info({ finished, handedBack }, 'consumer stopped');
    this.consumer = undefined;
  }

  on(): never {
    throw new Error('OrderQueueServer does not emit transport events');
  }

  unwrap<T>(): T {
    return this.connection as T;
  }
}
