/**
 * Totality: every figure in results.json is finite, or the check's status says why not. Producers keep their own
 * figures finite (a figure that does not exist for the data — R² of a constant target — is left out and the
 * summary says so). This is the last line: a result that still carries NaN or ±Infinity would fail the results
 * schema and end the run without a decision, so it is reported `degenerate` instead, without the offending numbers,
 * and its summary names them as a defect to report.
 */
import type { CheckResult } from './result.js';

/** Paths of the non-finite numbers in a value (`figures.pValue`, `details.priors[1].weight`). */
export function nonFinitePaths(value: unknown, path: string): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => nonFinitePaths(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => nonFinitePaths(v, `${path}.${k}`));
  return [];
}

const finiteEntries = <T extends object>(record: T): T => Object.fromEntries(Object.entries(record).filter(([, v]) => typeof v !== 'number' || Number.isFinite(v))) as T;

/** Statuses that already say the check reached no verdict: kept as they are. */
const NO_VERDICT = new Set<CheckResult['status']>(['skipped', 'insufficient_data', 'degenerate', 'error']);

/** The check unchanged when every number in it is finite; else `degenerate`, the non-finite numbers removed. */
export function totalCheck(check: CheckResult): CheckResult {
  const bad = [...nonFinitePaths(check.figures, 'figures'), ...nonFinitePaths(check.threshold, 'threshold'), ...nonFinitePaths(check.details, 'details')];
  if (bad.length === 0) return check;
  const detailsBad = bad.some((p) => p.startsWith('details'));
  const out = {
    ...check,
    status: NO_VERDICT.has(check.status) ? check.status : 'degenerate',
    figures: finiteEntries(check.figures),
    ...(check.threshold ? { threshold: finiteEntries(check.threshold) } : {}),
    summary: `${check.summary} Not finite, left out: ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', …' : ''} (a defect: please report it); the check decides nothing.`,
  } as CheckResult;
  if (detailsBad) delete (out as { details?: unknown }).details;
  return out;
}
