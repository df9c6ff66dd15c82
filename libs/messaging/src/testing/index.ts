export * from './broker-test-kit';
