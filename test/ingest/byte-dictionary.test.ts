import { describe, expect, it } from '@jest/globals';
import { ByteDictionary, cellHash } from '../../src/ingest/byte-dictionary.js';
import { mulberry32 } from '../../src/stats/index.js';

/**
 * The dictionary against a Map keyed by the cell's bytes (as latin1 text, one character per byte): the same code for
 * the same bytes, a new code in first-seen order otherwise. The cases aim at what the table shortcuts: cells of at
 * most four bytes matched by their first word and length alone (so "ab" and "ab\0" must differ), longer cells that
 * share the first four bytes, cells at the very end of the buffer (read byte by byte), and growth past many rehashes.
 */
function expectSameAsMap(cells: Uint8Array[], atBufferEnd: boolean) {
  const dictionary = new ByteDictionary();
  const reference = new Map<string, number>();
  const codes: number[] = [];
  const expected: number[] = [];
  for (const cell of cells) {
    // The cell inside a larger buffer (bytes around it that must not count), or as the buffer's last bytes.
    const padded = new Uint8Array(cell.length + (atBufferEnd ? 3 : 10)).fill(0x61);
    const s = atBufferEnd ? 3 : 5;
    padded.set(cell, s);
    codes.push(dictionary.codeOf(padded, s, s + cell.length));
    const key = Buffer.from(cell).toString('latin1');
    if (!reference.has(key)) reference.set(key, reference.size);
    expected.push(reference.get(key)!);
  }
  expect(codes).toEqual(expected);
  expect(dictionary.size).toBe(reference.size);
}

describe('ByteDictionary', () => {
  it('tells apart short cells that differ only in length or in a zero byte', () => {
    const cells = ['', 'a', 'a\0', 'a\0\0', 'a\0\0\0', 'a\0\0\0\0', 'ab', 'ab\0', 'abcd', 'abcde', 'abcdf', 'abcd\0', '\0', '\0\0', 'a', 'ab\0', 'abcd\0', ''].map((t) => Buffer.from(t, 'latin1'));
    for (const atEnd of [false, true]) expectSameAsMap([...cells, ...cells], atEnd);
    // Every cell of up to four bytes over {0, 1, …, 7}, shuffled, twice: thousands of pairs that share a head.
    const all: Uint8Array[] = [new Uint8Array(0)];
    for (let from = 0; all[from]!.length < 4; from++) for (let b = 0; b < 8; b++) all.push(Uint8Array.from([...all[from]!, b]));
    const rng = mulberry32(4);
    const shuffled = all.map((cell) => [rng.nextDouble53(), cell] as const).sort((a, b) => a[0] - b[0]).map(([, cell]) => cell);
    expectSameAsMap([...shuffled, ...shuffled.reverse()], false);
  });

  it('gives every distinct byte string its own code in first-seen order, over many rehashes', () => {
    const rng = mulberry32(19);
    const random = rng.nextDouble53;
    const distinct = Array.from({ length: 5000 }, (_, k) => {
      // Lengths 0..24, bytes from a small alphabet (many shared heads) or any byte.
      const length = Math.floor(random() * 25);
      const alphabet = k % 2 === 0 ? 4 : 256;
      return Uint8Array.from({ length }, () => Math.floor(random() * alphabet));
    });
    const cells = Array.from({ length: 40_000 }, () => distinct[Math.floor(random() * distinct.length)]!);
    expectSameAsMap(cells, false);
    expectSameAsMap(cells, true);
  });

  it('codes labels like a CSV column of numbered categories', () => {
    const rng = mulberry32(7);
    const random = rng.nextDouble53;
    const cells = Array.from({ length: 20_000 }, () => Buffer.from(`v${Math.floor(random() ** 2 * 3000)}`));
    expectSameAsMap(cells, false);
  });

  it('tells apart cells of the same head, length and hash by their bytes', () => {
    // Two 12-byte cells with the same first word and the same hash: the hash steps h → imul(rotl(h, 13) ^ w, K)
    // are invertible, so the third word of the second cell is chosen to undo the difference the second made.
    const a = Buffer.from('abcdEFGHijkl');
    const b = Buffer.from(a);
    b.writeInt32LE(a.readInt32LE(4) ^ 0x01010101, 4);
    const rotl = (h: number) => (h << 13) | (h >>> 19);
    const afterTwo = (cell: Buffer) => cellHash(cell, 0, 8);
    b.writeInt32LE(a.readInt32LE(8) ^ rotl(afterTwo(a)) ^ rotl(afterTwo(b)), 8);
    expect(cellHash(b, 0, 12)).toBe(cellHash(a, 0, 12));
    expect(b.equals(a)).toBe(false);
    expectSameAsMap([a, b, a, b], false);
  });

  it('finishes ASCII cells as their own text, in code order, leaving the codes as they are', () => {
    const dictionary = new ByteDictionary();
    // Short and long cells (V8 keeps slices of 13 or more characters as views of the decoded arena), the empty one.
    const texts = ['id-000000000001', 'a', '', 'id-000000000002', 'red', 'a', 'x'.repeat(40), 'id-000000000001'];
    const cells = texts.map((t) => Buffer.from(t, 'latin1'));
    const codes = Int32Array.from(cells, (c) => dictionary.codeOf(c, 0, c.length));
    const firstSeen = [...new Set(texts)];
    expect(dictionary.finish(codes)).toEqual(firstSeen);
    expect([...codes]).toEqual(texts.map((t) => firstSeen.indexOf(t)));
  });

  it('merges byte strings that decode to the same text when it finishes', () => {
    const dictionary = new ByteDictionary();
    const cells = [Buffer.from([0xff]), Buffer.from('x'), Buffer.from([0xfe]), Buffer.from('\ufffd')];
    const codes = Int32Array.from(cells, (c) => dictionary.codeOf(c, 0, c.length));
    expect([...codes]).toEqual([0, 1, 2, 3]);
    expect(dictionary.finish(codes)).toEqual(['\ufffd', 'x']);
    expect([...codes]).toEqual([0, 1, 0, 0]);
  });
});
