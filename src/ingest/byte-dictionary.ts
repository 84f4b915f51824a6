/**
 * Category codes keyed by the bytes of a cell, in first-seen order: a cell becomes a JS string only the first time
 * its value is seen (at `finish`), so a million cells of a thousand categories cost a hash and a compare each.
 */
export class ByteDictionary {
  private arena = Buffer.alloc(1 << 12);
  private used = 0;
  /** Start of each category's bytes in the arena; entry `size` is the end of the last. */
  private starts = new Int32Array(256);
  private hashes = new Int32Array(256);
  /** Open-addressing table of code + 1 (0 = empty), a power of two at most half full. */
  private slots = new Int32Array(512);
  size = 0;

  codeOf(bytes: Uint8Array, s: number, e: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = s; i < e; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
    const mask = this.slots.length - 1;
    const len = e - s;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) return this.add(bytes, s, e, h, slot);
      const code = entry - 1;
      if (this.hashes[code] !== h) continue;
      const from = this.starts[code]!;
      if (this.starts[code + 1]! - from !== len) continue;
      let same = true;
      for (let k = 0; k < len; k++) {
        if (this.arena[from + k] !== bytes[s + k]) {
          same = false;
          break;
        }
      }
      if (same) return code;
    }
  }

  codeOfString(text: string): number {
    const bytes = Buffer.from(text, 'utf8');
    return this.codeOf(bytes, 0, bytes.length);
  }

  private add(bytes: Uint8Array, s: number, e: number, h: number, slot: number): number {
    const len = e - s;
    if (this.used + len > this.arena.length) {
      const grown = Buffer.alloc(Math.max(2 * this.arena.length, this.used + len));
      this.arena.copy(grown, 0, 0, this.used);
      this.arena = grown;
    }
    this.arena.set(bytes.subarray(s, e), this.used);
    const code = this.size++;
    if (this.size + 1 > this.starts.length) {
      const starts = new Int32Array(2 * this.starts.length);
      starts.set(this.starts);
      this.starts = starts;
      const hashes = new Int32Array(2 * this.hashes.length);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.starts[code] = this.used;
    this.used += len;
    this.starts[code + 1] = this.used;
    this.hashes[code] = h;
    this.slots[slot] = code + 1;
    if (2 * this.size > this.slots.length) this.rehash();
    return code;
  }

  private rehash(): void {
    const slots = new Int32Array(2 * this.slots.length);
    const mask = slots.length - 1;
    for (let code = 0; code < this.size; code++) {
      let slot = this.hashes[code]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = code + 1;
    }
    this.slots = slots;
  }

  /**
   * The categories as strings (UTF-8). Distinct byte strings that decode to the same text (invalid UTF-8 becomes
   * U+FFFD) are merged, rewriting `codes` in place, so categories are distinct as strings, as a string-keyed map
   * would have made them.
   */
  finish(codes: Int32Array): string[] {
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
