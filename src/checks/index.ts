/** The catalogue of check kinds, the result envelope, and typed queries (docs/checks.md). */
export * as CHECKS from './catalogue.js';
export { CATALOGUE } from './catalogue.js';
export { BasisSchema, CHECK_STATUSES, CheckStatusSchema, STAGES, StageSchema, type Basis, type CheckEntry, type CheckStatus, type Stage } from './envelope.js';
export { CHECK_KINDS, CheckResultSchema, entryOf, type AnyCheckEntry, type CheckKind, type CheckOf, type CheckOfKind, type CheckResult, type DetailsOf, type FiguresOf } from './result.js';
export { failing, find, findAll, isKind, judged, untyped, type FigureValue } from './query.js';
export * as SHAPES from './shapes.js';
export { FINDINGS, FINDING_CODES, type Finding } from './findings.js';
export { nonFinitePaths, totalCheck } from './totality.js';
