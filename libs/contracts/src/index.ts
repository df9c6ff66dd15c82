// class-transformer's @Type reads decorator metadata: whoever imports the contracts needs the polyfill.
import 'reflect-metadata';
export * from './lib/order-type';
export * from './lib/order-types';
export * from './lib/routing';
export * from './lib/envelope';
export * from './lib/order-request';
export * from './lib/validate';
export * from './lib/strict-json';
export * from './lib/validation-error';
export * from './lib/fixtures';
export * from './lib/payloads/field-rules';
export * from './lib/payloads/seed-message.payload';
export * from './lib/strict-json-parser';
export * from './lib/order-lifecycle';
