export * from './lib/errors';
export * from './lib/broker-logger';
export * from './lib/broker-connection';
export * from './lib/topology';
export * from './lib/confirm-session';
export * from './lib/confirmed-publisher';
export * from './lib/order-consumer';
export * from './lib/queue-inspector';
