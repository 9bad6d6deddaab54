export * from './step.js';
export * from './impute.js';
export * from './scale.js';
export * from './one-hot.js';
export * from './pipeline.js';
