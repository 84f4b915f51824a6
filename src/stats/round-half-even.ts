/** Rounds to the nearest integer, ties to even — NumPy's `np.round`, which SciPy uses for effective sample sizes. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
