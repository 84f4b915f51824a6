/**
 * HyperLogLog distinct counts (Flajolet et al. 2007) with Ertl's improved estimator ("New cardinality estimation
 * algorithms for HyperLogLog sketches", 2017, algorithm 6), which needs no empirical bias tables and is unbiased
 * from 0 to far beyond 2^40 distinct values. A value is hashed to two 32-bit words: p bits of the first pick the
 * register, the second word's leading zeros (+1, 33 when it is 0) give the rank, so q = 32 in Ertl's notation.
 *
 * Error: relative standard error ≈ 1.04 / √m with m = 2^p registers (1.6 % at the default p = 12); merging is
 * the register-wise maximum, so merges are exactly associative and commutative.
 */

export const HLL_DEFAULT_PRECISION = 12;
const Q = 32;
// Read once: under Jest's VM context every `Math.` lookup costs ~1.5 µs (measured), a captured builtin nothing.
const { imul, clz32 } = Math;

export function hllRelativeStandardError(precision: number): number {
  return 1.04 / Math.sqrt(2 ** precision);
}

/** murmur3's 32-bit finaliser: every input bit reaches every output bit. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const scratch = new Float64Array(1);
const words = new Uint32Array(scratch.buffer);

/** Two independent 32-bit hashes of a number; -0 hashes as +0 so equal values hash alike. */
export function hashNumber(value: number): [number, number] {
  scratch[0] = value === 0 ? 0 : value;
  return [numberHash1(), numberHash2()];
}

// The two words of the value in `scratch`, hashed; apart so that the per-row path allocates nothing.
const numberHash1 = (): number => fmix32(words[0]! ^ fmix32(words[1]! ^ 0x2545f491));
const numberHash2 = (): number => fmix32(words[1]! ^ fmix32(words[0]! + 0x6a09e667));

/** Two independent 32-bit hashes of a string (FNV-1a over UTF-16 code units, two seeds, finalised). */
export function hashString(value: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ value.length;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    a = imul(a ^ c, 0x01000193);
    b = imul(b ^ c, 0x5bd1e995);
  }
  return [fmix32(a), fmix32(b ^ (a >>> 7))];
}

export class HyperLogLog {
  readonly precision: number;
  readonly registers: Uint8Array;

  constructor(precision = HLL_DEFAULT_PRECISION, registers?: Uint8Array) {
    if (!Number.isInteger(precision) || precision < 4 || precision > 18) throw new RangeError(`HLL precision must be in [4, 18], got ${precision}`);
    this.precision = precision;
    const m = 2 ** precision;
    if (registers && registers.length !== m) throw new RangeError(`HLL: ${registers.length} registers for precision ${precision} (expected ${m})`);
    this.registers = registers ? Uint8Array.from(registers) : new Uint8Array(m);
  }

  /** Adds a hashed value (the two words of hashNumber / hashString). */
  add(h1: number, h2: number): void {
    const index = h1 >>> (32 - this.precision);
    const rank = h2 === 0 ? Q + 1 : clz32(h2) + 1;
    if (rank > this.registers[index]!) this.registers[index] = rank;
  }

  addNumber(value: number): void {
    scratch[0] = value === 0 ? 0 : value;
    this.add(numberHash1(), numberHash2());
  }

  addString(value: string): void {
    const [h1, h2] = hashString(value);
    this.add(h1, h2);
  }

  static merge(a: HyperLogLog, b: HyperLogLog): HyperLogLog {
    if (a.precision !== b.precision) throw new RangeError(`HLL: cannot merge precision ${a.precision} with ${b.precision}`);
    const out = new HyperLogLog(a.precision, a.registers);
    for (let i = 0; i < out.registers.length; i++) if (b.registers[i]! > out.registers[i]!) out.registers[i] = b.registers[i]!;
    return out;
  }

  /** Estimated number of distinct values added. */
  estimate(): number {
    const m = this.registers.length;
    const counts = new Float64Array(Q + 2);
    for (let i = 0; i < m; i++) counts[this.registers[i]!]!++;
    let z = m * tau(1 - counts[Q + 1]! / m);
    for (let k = Q; k >= 1; k--) z = 0.5 * (z + counts[k]!);
    z += m * sigma(counts[0]! / m);
    return (m * m) / (2 * Math.LN2) / z;
  }
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let previous: number;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (z !== previous);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let previous: number;
  do {
    x = Math.sqrt(x);
    previous = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
  } while (z !== previous);
  return z / 3;
}
