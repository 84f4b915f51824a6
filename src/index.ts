/** Public API for programmatic use; the CLI (`moa`) is the main entry point. */
export { runAnalysis, type RunDeps, type RunOutcome } from './run.js';
export { resolveConfig, validateConfig } from './config/load.js';
export * from './schema/index.js';
export { MoaError, EXIT_CODES, type ErrorKind } from './errors.js';
export { createStorage } from './storage/index.js';
export { createLogger, silentLogger, type Logger } from './log.js';
export { VERSION } from './version.js';
// The weighted models moa's proxy comparison uses; the TypeScript training-stage example trains with them.
export { fitSoftmax, predictProba, type SoftmaxModel } from './models/softmax.js';
export { fitRidge, predictRidge, type RidgeModel } from './models/ridge.js';
