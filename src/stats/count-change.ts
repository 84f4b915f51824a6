/**
 * "Has the rate of something changed?" for the data gates, when the reference rate is itself only estimated:
 * the reference holds `count` of `rows` rows with some property (non-zero, non-null, in range, equal to a value, a
 * category seen only once …), the window holds `count` of `rows`. Under "no change" both are binomial with one
 * unknown rate θ. The p-value is the window count's tail under the beta-binomial predictive distribution, i.e.
 * θ drawn from the reference's Beta posterior, so a rate estimated from 2 of 809 rows does not make a window of
 * 1,000 zeros look impossible (P = 0.20; 0.71 for 150 rows), where a fixed "all zero" rule says stuck every time.
 *
 * False-alarm rate: the posterior is the conservative one for each direction — Beta(c, m − c + 1) when testing
 * for fewer (the Clopper–Pearson upper form), Beta(c + 1, m − c) when testing for more — so that "reject when
 * p ≤ α" errs at most at rate α as the window grows; the exact size, computed over m ∈ {20, 100, 809},
 * n ∈ {10, 150, 1000} and θ from 0.001 to 0.99 at α = 0.05, is at most 0.0453 in both directions
 * (test/stats/fixtures/gate-tests.py; the test recomputes some points). Checked against scipy.stats.betabinom.
 *
 * Uses: a stuck or emptied source (count of non-zero / non-null / in-range values, 'less'); a null share rising
 * (count of nulls, 'greater'); a column constant at v (count of values ≠ v, 'less'); new categories
 * (newCategoryTest: rows in categories the reference never saw, 'greater').
 */
import { betaBinomialCdf, betaBinomialSf } from './beta-binomial.js';

export interface Count {
  /** Rows with the property. */
  count: number;
  /** Rows looked at. */
  rows: number;
}

export type CountAlternative = 'less' | 'greater';

export interface CountChangeResult {
  method: 'beta-binomial predictive tail';
  alternative: CountAlternative;
  /** The window count. */
  statistic: number;
  /** P(window count ≤ observed) for 'less', P(≥ observed) for 'greater', under "no change". */
  pValue: number;
  /** The window count expected under "no change" (window rows × the posterior mean rate). */
  expected: number;
  referenceRate: number;
  windowRate: number;
  n1: number;
  n2: number;
}

function assertCount(c: Count, name: string): void {
  if (!(Number.isInteger(c.count) && Number.isInteger(c.rows) && c.count >= 0 && c.count <= c.rows)) {
    throw new RangeError(`${name} needs integer 0 ≤ count ≤ rows; got ${c.count} of ${c.rows}`);
  }
}

export function countChangeTest(reference: Count, window: Count, alternative: CountAlternative): CountChangeResult {
  assertCount(reference, 'reference');
  assertCount(window, 'window');
  const { count: c, rows: m } = reference;
  const { count: x, rows: n } = window;
  // The conservative posterior for the direction tested (see the header); a = 0 or b = 0 is a point mass at 0 or 1.
  const a = alternative === 'less' ? c : c + 1;
  const b = alternative === 'less' ? m - c + 1 : m - c;
  let pValue: number;
  if (n === 0) pValue = 1;
  else if (a === 0) pValue = 1; // rate 0: the window cannot have fewer
  else if (b === 0) pValue = 1; // rate 1: the window cannot have more
  else pValue = alternative === 'less' ? betaBinomialCdf(x, n, a, b) : betaBinomialSf(x, n, a, b);
  return {
    method: 'beta-binomial predictive tail',
    alternative,
    statistic: x,
    pValue,
    expected: (n * a) / (a + b),
    referenceRate: m > 0 ? c / m : NaN,
    windowRate: n > 0 ? x / n : NaN,
    n1: m,
    n2: n,
  };
}

/**
 * New categories: `newRows` of the window's `windowRows` hold categories the reference never saw. Under "no
 * change" (exchangeable rows), a reference row held out from the others is unseen exactly when its category occurs
 * once in the reference, so the reference's own rate of "new at the time" is singletons / rows (Good–Turing);
 * the window count is tested against it with countChangeTest('greater'). Approximate: window rows in one new
 * category are counted one by one, which a burst of one new code makes larger — the direction of a real change.
 */
export function newCategoryTest(reference: { singletonRows: number; rows: number }, window: { newRows: number; rows: number }): CountChangeResult {
  return countChangeTest({ count: reference.singletonRows, rows: reference.rows }, { count: window.newRows, rows: window.rows }, 'greater');
}
