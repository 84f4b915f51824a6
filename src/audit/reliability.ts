/** One bin of a reliability curve: mean confidence against observed accuracy of the predictions in it. */
export interface ReliabilityBin {
  lo: number;
  hi: number;
  confidence: number;
  accuracy: number;
  count: number;
}

/** Equal-width bin of a confidence in [0, 1]; 1 falls in the last bin. */
export function confidenceBin(confidence: number, bins: number): number {
  return Math.min(bins - 1, Math.max(0, Math.floor(confidence * bins)));
}

/**
 * Reliability curve and expected calibration error (top-label ECE, Guo et al. 2017):
 * ECE = Σ_b (n_b / n) · |accuracy_b − confidence_b| over equal-width confidence bins. Empty bins are left out.
 */
export function reliability(confidence: Float64Array, correct: Uint8Array, bins: number): { bins: ReliabilityBin[]; ece: number } {
  const count = new Float64Array(bins);
  const conf = new Float64Array(bins);
  const hits = new Float64Array(bins);
  for (let i = 0; i < confidence.length; i++) {
    const b = confidenceBin(confidence[i]!, bins);
    count[b]!++;
    conf[b]! += confidence[i]!;
    hits[b]! += correct[i]!;
  }
  const out: ReliabilityBin[] = [];
  let ece = 0;
  const n = confidence.length;
  for (let b = 0; b < bins; b++) {
    if (count[b] === 0) continue;
    const c = conf[b]! / count[b]!;
    const a = hits[b]! / count[b]!;
    ece += (count[b]! / n) * Math.abs(a - c);
    out.push({ lo: b / bins, hi: (b + 1) / bins, confidence: c, accuracy: a, count: count[b]! });
  }
  return { bins: out, ece: n === 0 ? NaN : ece };
}
