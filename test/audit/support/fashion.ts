import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Fashion-MNIST, training and test sets, from the Debian package dataset-fashion-mnist. */
export const DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';
export const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** Why the Fashion-MNIST tests cannot run here, or null when they can. */
export function fashionMissing(): string | null {
  const file = path.join(DEBIAN_DIR, 'train-images-idx3-ubyte.gz');
  return existsSync(file) ? null : `${file} is missing: install the Debian package dataset-fashion-mnist`;
}

export interface Images {
  n: number;
  /** Pixels per image after downscaling. */
  d: number;
  y: Int32Array;
  /** Row-major rows × d pixels in [0, 1] for the given images, averaged over `factor × factor` blocks. */
  pixels(rows: ArrayLike<number>): Float64Array;
}

function idx(file: string): Buffer {
  return gunzipSync(readFileSync(file));
}

/** One split, downscaled on demand: 28×28 → (28/factor)² pixels keeps the softmax model and drift tests fast. */
export function loadFashion(split: 'train' | 'test', factor = 4): Images {
  const prefix = split === 'train' ? 'train' : 't10k';
  const images = idx(path.join(DEBIAN_DIR, `${prefix}-images-idx3-ubyte.gz`));
  const labels = idx(path.join(DEBIAN_DIR, `${prefix}-labels-idx1-ubyte.gz`));
  const n = images.readUInt32BE(4);
  const side = 28 / factor;
  const d = side * side;
  const target = Int32Array.from({ length: 784 }, (_, p) => Math.floor(Math.floor(p / 28) / factor) * side + Math.floor((p % 28) / factor));
  const norm = 1 / (255 * factor * factor);
  const pixels = (rows: ArrayLike<number>) => {
    const x = new Float64Array(rows.length * d);
    for (let r = 0; r < rows.length; r++) {
      const base = 16 + rows[r]! * 784;
      const out = r * d;
      for (let p = 0; p < 784; p++) x[out + target[p]!]! += images[base + p]! * norm;
    }
    return x;
  };
  return { n, d, y: Int32Array.from(labels.subarray(8, 8 + n)), pixels };
}
