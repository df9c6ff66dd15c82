export * from './lib/order-errors';
export * from './lib/order-context';
export * from './lib/handles-orders.decorator';
export * from './lib/backend-client';
export * from './lib/order-dispatcher';
export * from './lib/order-queue.server';
export * from './lib/processor-config';
export * from './lib/bootstrap-processor';
