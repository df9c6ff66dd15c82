/** How the processor of one order type runs, unless its deployment overrides a value. */
export interface ProcessorSettings {
  /** HTTP port of its health and metrics endpoints, locally and in its container. */
  readonly port: number;
  /** Orders processed at once by one replica (its prefetch). */
  readonly concurrency: number;
  /** Backend calls per second for this type, all replicas together: the capacity its backend bears. */
  readonly backendRateLimit: number;
  /** Backend calls in flight for this type, all replicas together. */
  readonly backendMaxConcurrency: number;
  readonly autoscaling: {
    readonly maxReplicas: number;
    /** Waiting orders per replica the autoscaler aims at. */
    readonly queueLengthTarget: number;
    /** Waiting orders below which the autoscaler leaves the type at its minimum. */
    readonly activationQueueLength: number;
  };
}

/** Every fact about one order type; registries, routing, topology and deployment are derived from these. */
export interface OrderTypeDefinition<T extends string = string, P extends object = object> {
  /** Upper-case name, as clients send it and as it appears in queue names (lower-cased). */
  readonly type: T;
  /** What the order does, in a few words: for the README and the API documentation. */
  readonly summary: string;
  /** The payload's rules: a class-validator class; unknown fields are rejected. */
  readonly payload: new () => P;
  /** One valid payload: documentation by example, and the seed of tests and load. */
  readonly example: { readonly [K in keyof P]?: unknown };
  /** The backend's resource (path segment of its API) that applies orders of this type. */
  readonly backendResource: string;
  /** The reason the simulated backend gives when it refuses such an order on business grounds. */
  readonly businessRejection: string;
  readonly processor: ProcessorSettings;
}

/** Keeps the literal type name, so `OrderType` and each type's payload are known at compile time. */
export function defineOrderType<const T extends string, P extends object>(definition: OrderTypeDefinition<T, P>): OrderTypeDefinition<T, P> {
  return definition;
}

/** The processor app of a type: its Nx project, image, Deployment and RabbitMQ user. */
export function processorNameOf(definition: Pick<OrderTypeDefinition, 'type'>): string {
  return `${definition.type.toLowerCase()}-processor`;
}
