export * from './broker-test-kit';
export * from './faulty-link';
