export * from './tmf622-states';
export * from './tmf622-schema';
export * from './product-order-view';
export { ProductOrderStore, ProductOrderConflictError, NewProductOrder, STATE_FILTER_SCAN } from './product-order-store';
export * from './hub-query';
export * from './tmf622-callback';
