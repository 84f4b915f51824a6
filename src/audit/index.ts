/** AUDIT: where the model lacks performance, with or without labels. Pure functions returning CheckResults. */
export { measuredPerformance, confusionMatrix, auditDefaults, type AuditOptions } from './performance.js';
export { estimatedPerformance } from './cbpe.js';
export { labelShift, type LabelShiftResult, type ClassWeight } from './bbse.js';
export { calibrationDrift } from './calibration.js';
export { weakSlices, predicateText, matches, type WeakSlice, type WeakSliceResult, type SlicePredicate } from './slices.js';
export { reweightedOutputs, type ReweightedOutputs } from './reweighted-outputs.js';
export { fitIsotonic, predictIsotonic, type IsotonicFit } from './isotonic.js';
export { reliability, type ReliabilityBin } from './reliability.js';
export { evidenceOverTime, pooledEvidence, chunkRows, type HistoryRun, type EvidenceChunk, type PooledEvidence } from './evidence-over-time.js';
