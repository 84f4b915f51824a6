/**
 * Category codes keyed by the bytes of a cell, in first-seen order: a cell becomes a JS string only the first time
 * its value is seen (at `finish`), so a million cells of a thousand categories cost a hash and a compare each.
 *
 * The table is open-addressed with everything a lookup compares in one 16-byte slot (the cell's first four bytes,
 * its length, its code, its hash), so a cell of at most four bytes — most category labels in real files are short —
 * is found by reading one cache line and never the bytes stored in the arena; 20 columns of 1,000 categories are
 * 20 tables in cache at once. The hash takes four bytes per multiply and the slot from its high bits (Fibonacci
 * hashing), which depend on every input bit.
 */
import { isAscii } from 'node:buffer';

// Read once: a `Math.` lookup per cell is slow under Jest's VM context (see src/stats/mulberry32.ts).
const { imul, min } = Math;
const TAIL_MASK = [0, 0xff, 0xffff, 0xffffff];
/** Int32s per slot: head (first four bytes, zero-padded), length, code + 1 (0 = empty), hash. */
const SLOT = 4;

/** Bytes [at, at + min(4, end - at)) as a little-endian int, zero-padded. */
function wordAt(bytes: Uint8Array, at: number, end: number): number {
  const n = end - at;
  if (at + 4 <= bytes.length) {
    const w = bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
    return n >= 4 ? w : w & TAIL_MASK[n]!;
  }
  // Near the end of the buffer: byte by byte, never reading past it.
  let w = 0;
  for (let k = min(n, 4) - 1; k >= 0; k--) w = (w << 8) | bytes[at + k]!;
  return w;
}

/**
 * The hash of bytes[s, e) whose first word is `head`. The length is left out: cells that differ only by trailing
 * zero bytes share a probe chain (rare in real files, and it keeps the length compare exercised by the tests).
 */
function hashAfter(head: number, bytes: Uint8Array, s: number, e: number): number {
  let h = imul(head, 0x9e3779b1);
  for (let at = s + 4; at < e; at += 4) h = imul(((h << 13) | (h >>> 19)) ^ wordAt(bytes, at, e), 0x9e3779b1);
  return h;
}

/** The hash the dictionary keys bytes[s, e) by (exported so tests can build colliding cells). */
export const cellHash = (bytes: Uint8Array, s: number, e: number): number => hashAfter(wordAt(bytes, s, e), bytes, s, e);

export class ByteDictionary {
  private arena = Buffer.alloc(1 << 12);
  private used = 0;
  /** Start of each category's bytes in the arena; entry `size` is the end of the last. */
  private starts = new Int32Array(256);
  private slots = new Int32Array(SLOT * 1024);
  /** 32 - log2(slot count): the slot is the hash's high bits. */
  private shift = 22;
  size = 0;

  codeOf(bytes: Uint8Array, s: number, e: number): number {
    const len = e - s;
    const head = wordAt(bytes, s, e);
    const h = hashAfter(head, bytes, s, e);
    const slots = this.slots;
    const mask = slots.length - SLOT;
    for (let at = (h >>> this.shift) * SLOT; ; at = (at + SLOT) & mask) {
      const entry = slots[at + 2]!;
      if (entry === 0) return this.add(bytes, s, e, head, h, at);
      if (slots[at]! !== head || slots[at + 1]! !== len) continue;
      if (len <= 4) return entry - 1;
      if (slots[at + 3]! !== h) continue;
      // Same head, length and hash: compare the bytes after the head.
      const from = this.starts[entry - 1]! - s;
      const arena = this.arena;
      let k = s + 4;
      while (k < e && arena[from + k] === bytes[k]) k++;
      if (k === e) return entry - 1;
    }
  }

  codeOfString(text: string): number {
    const bytes = Buffer.from(text, 'utf8');
    return this.codeOf(bytes, 0, bytes.length);
  }

  private add(bytes: Uint8Array, s: number, e: number, head: number, h: number, at: number): number {
    const len = e - s;
    if (this.used + len > this.arena.length) {
      const grown = Buffer.alloc(Math.max(2 * this.arena.length, this.used + len));
      this.arena.copy(grown, 0, 0, this.used);
      this.arena = grown;
    }
    // Byte by byte: a subarray per new category (a million ids) costs more than the copy.
    const arena = this.arena;
    for (let k = 0; k < len; k++) arena[this.used + k] = bytes[s + k]!;
    const code = this.size++;
    if (this.size + 1 > this.starts.length) {
      const starts = new Int32Array(2 * this.starts.length);
      starts.set(this.starts);
      this.starts = starts;
    }
    this.starts[code] = this.used;
    this.used += len;
    this.starts[code + 1] = this.used;
    const slots = this.slots;
    slots[at] = head;
    slots[at + 1] = len;
    slots[at + 2] = code + 1;
    slots[at + 3] = h;
    // At most half full.
    if (2 * SLOT * this.size > slots.length) this.rehash();
    return code;
  }

  private rehash(): void {
    const old = this.slots;
    const slots = new Int32Array(2 * old.length);
    const mask = slots.length - SLOT;
    this.shift--;
    for (let from = 0; from < old.length; from += SLOT) {
      if (old[from + 2] === 0) continue;
      let at = (old[from + 3]! >>> this.shift) * SLOT;
      while (slots[at + 2] !== 0) at = (at + SLOT) & mask;
      slots[at] = old[from]!;
      slots[at + 1] = old[from + 1]!;
      slots[at + 2] = old[from + 2]!;
      slots[at + 3] = old[from + 3]!;
    }
    this.slots = slots;
  }

  /**
   * The categories as strings (UTF-8). Distinct byte strings that decode to the same text (invalid UTF-8 becomes
   * U+FFFD) are merged, rewriting `codes` in place, so categories are distinct as strings, as a string-keyed map
   * would have made them.
   */
  finish(codes: Int32Array): string[] {
    if (isAscii(this.arena.subarray(0, this.used))) {
      // ASCII bytes are their own text, one character per byte, so distinct cells are distinct strings: each is a
      // slice of the arena decoded once (a million ids: one decode instead of a million, and no merging map).
      const text = this.arena.toString('latin1', 0, this.used);
      const strings = new Array<string>(this.size);
      for (let code = 0; code < this.size; code++) strings[code] = text.slice(this.starts[code]!, this.starts[code + 1]!);
      return strings;
    }
    const strings: string[] = [];
    const first = new Map<string, number>();
    let remap: Int32Array | null = null;
    for (let code = 0; code < this.size; code++) {
      const text = this.arena.toString('utf8', this.starts[code]!, this.starts[code + 1]!);
      const seen = first.get(text);
      if (seen === undefined) {
        first.set(text, strings.length);
        if (remap) remap[code] = strings.length;
        strings.push(text);
      } else {
        if (!remap) remap = Int32Array.from({ length: this.size }, (_, k) => k);
        remap[code] = seen;
      }
    }
    if (remap) for (let i = 0; i < codes.length; i++) if (codes[i]! >= 0) codes[i] = remap[codes[i]!]!;
    return strings;
  }
}
