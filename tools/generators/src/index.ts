export { default as processorGenerator } from './processor/generator';
export { default as deployRenderGenerator } from './deploy-render/generator';
