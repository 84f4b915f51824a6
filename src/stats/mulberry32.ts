/**
 * mulberry32: the small seeded generator the conformance vectors are specified with
 * (test/data/conformance/README.md). Uses only integer ops and exact double arithmetic, so JavaScript reproduces
 * the Python generator's samples bit for bit. For tests and benchmarks; not for anything cryptographic.
 */
export interface Mulberry32 {
  nextUint32(): number;
  /** A double in [0, 1) with 53 random bits. */
  nextDouble53(): number;
  /**
   * The counter the generator hashes: each draw adds MULBERRY32_STEP to it and returns mulberry32Hash of the sum.
   * A caller that needs only some draws of a long stream hashes those and sets the counter past the rest.
   */
  getState(): number;
  setState(state: number): void;
}

/** What every draw adds to the generator's counter. */
export const MULBERRY32_STEP = 0x6d2b79f5;

// Read once: under Jest's VM context every `Math.` lookup costs ~1.5 µs (measured), a captured builtin nothing.
const { imul } = Math;

/** The draw a counter value gives (the uint32 `nextUint32` returns once the counter holds `a`). */
export function mulberry32Hash(a: number): number {
  let t = imul(a ^ (a >>> 15), 1 | a);
  t = (t + imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return (t ^ (t >>> 14)) >>> 0;
}

/** The double in [0, 1) that two consecutive draws make (53 bits: 27 of the first, 26 of the second), as nextDouble53. */
export function double53(first: number, second: number): number {
  return ((first >>> 5) * 67108864 + (second >>> 6)) / 9007199254740992;
}

export function mulberry32(seed: number): Mulberry32 {
  let a = seed | 0;
  const nextUint32 = (): number => {
    a = (a + MULBERRY32_STEP) | 0;
    return mulberry32Hash(a);
  };
  const nextDouble53 = (): number => double53(nextUint32(), nextUint32());
  return { nextUint32, nextDouble53, getState: () => a, setState: (state) => void (a = state | 0) };
}

export type SampleSpec =
  | { dist: 'uniform'; n: number; seed: number; low: number; high: number }
  | { dist: 'normal12'; n: number; seed: number; mu: number; sigma: number }
  | { dist: 'discrete'; n: number; seed: number; k: number };

/** Draws a sample from one of the vector file's recipes (uniform, Irwin–Hall "normal12", discrete). */
export function generateSample(spec: SampleSpec): Float64Array {
  const rng = mulberry32(spec.seed);
  const out = new Float64Array(spec.n);
  switch (spec.dist) {
    case 'uniform':
      for (let i = 0; i < spec.n; i++) out[i] = spec.low + (spec.high - spec.low) * rng.nextDouble53();
      break;
    case 'normal12':
      for (let i = 0; i < spec.n; i++) {
        let s = 0;
        for (let k = 0; k < 12; k++) s += rng.nextDouble53();
        out[i] = spec.mu + spec.sigma * (s - 6);
      }
      break;
    case 'discrete':
      for (let i = 0; i < spec.n; i++) out[i] = Math.floor(rng.nextDouble53() * spec.k);
      break;
  }
  return out;
}
