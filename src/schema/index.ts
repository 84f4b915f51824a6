export * from './config.js';
export * from './results.js';
export * from './manifest.js';
export * from './json-schema.js';
export * from './alpha.js';
