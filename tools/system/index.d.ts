export * from './launch-system';
export * from './scratch-workspace';
