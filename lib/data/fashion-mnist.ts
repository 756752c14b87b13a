/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, arXiv 1708.07747): 70,000 grey
 * 28×28 images of clothing in 10 classes, 60,000 for training and 10,000 for
 * testing. The kit reads the IDX files that the Debian package
 * `dataset-fashion-mnist` installs (docs/design.md §2); nothing is downloaded.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { readIdx } from './idx';
import { FASHION_MNIST_CLASSES } from './fashion-mnist-classes';

export { FASHION_MNIST_CLASSES };

/** The two official splits. */
export type FashionMnistSplit = 'train' | 'test';

/** Where the Debian package installs the files. */
export const DEFAULT_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Side of a Fashion-MNIST image in pixels. */
export const FASHION_MNIST_SIDE = 28;

/** Options of {@link loadFashionMnist}. */
export interface FashionMnistOptions {
  /**
   * Folder holding `{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]`.
   * Default: `process.env.FASHION_MNIST_DIR`, else {@link DEFAULT_FASHION_MNIST_DIR}.
   */
  dir?: string;
}

/** One decoded split. Shared by every caller in the process: do not modify. */
export interface FashionMnistData {
  split: FashionMnistSplit;
  /** Number of images N. */
  count: number;
  /** Pixel intensities 0..255, `[N, 28, 28]` row-major (image `i` starts at `i * 784`). */
  images: Uint8Array;
  /** Labels 0..9, `[N]`. */
  labels: Uint8Array;
}

const FILE_PREFIX: Record<FashionMnistSplit, string> = { train: 'train', test: 't10k' };
const cache = new Map<string, FashionMnistData>();

/** The folder {@link loadFashionMnist} reads, after applying the option and the environment. */
export function fashionMnistDir(options: FashionMnistOptions = {}): string {
  return options.dir ?? process.env.FASHION_MNIST_DIR ?? DEFAULT_FASHION_MNIST_DIR;
}

/** Picks `name.gz` if it exists, else plain `name` (whose absence then gives the missing-file error). */
function idxPath(dir: string, name: string): string {
  const gz = path.join(dir, `${name}.gz`);
  return fs.existsSync(gz) ? gz : path.join(dir, name);
}

/**
 * Loads one split, decoding it on the first call and returning the cached
 * copy afterwards (one cache entry per folder and split, per process).
 * Synchronous: decoding the training split takes well under a second.
 * @throws if a file is missing (naming it and the Debian package), corrupt,
 *   or if the image and label files disagree in count or shape.
 */
export function loadFashionMnist(
  split: FashionMnistSplit,
  options: FashionMnistOptions = {},
): FashionMnistData {
  if (split !== 'train' && split !== 'test') {
    throw new Error(`Fashion-MNIST split must be 'train' or 'test', got '${String(split)}'`);
  }
  const dir = fashionMnistDir(options);
  const key = `${path.resolve(dir)}|${split}`;
  const hit = cache.get(key);
  if (hit) return hit;

  const imageFile = idxPath(dir, `${FILE_PREFIX[split]}-images-idx3-ubyte`);
  const labelFile = idxPath(dir, `${FILE_PREFIX[split]}-labels-idx1-ubyte`);
  const images = readIdx(imageFile);
  const labels = readIdx(labelFile);
  const side = FASHION_MNIST_SIDE;
  if (
    images.type !== 'uint8' ||
    images.dims.length !== 3 ||
    images.dims[1] !== side ||
    images.dims[2] !== side
  ) {
    throw new Error(
      `${imageFile}: expected uint8 images [N, ${side}, ${side}], got ${images.type} [${images.dims.join(', ')}]`,
    );
  }
  if (labels.type !== 'uint8' || labels.dims.length !== 1 || labels.dims[0] !== images.dims[0]) {
    throw new Error(
      `${labelFile}: expected uint8 labels [${images.dims[0]}] to match ${imageFile}, got ${labels.type} [${labels.dims.join(', ')}]`,
    );
  }
  const labelData = labels.data as Uint8Array;
  for (let i = 0; i < labelData.length; i++) {
    if (labelData[i] >= FASHION_MNIST_CLASSES.length) {
      throw new Error(
        `${labelFile}: label ${labelData[i]} at position ${i} is not in 0..${FASHION_MNIST_CLASSES.length - 1}`,
      );
    }
  }
  const data: FashionMnistData = {
    split,
    count: images.dims[0],
    images: images.data as Uint8Array,
    labels: labelData,
  };
  cache.set(key, data);
  return data;
}

/**
 * A batch of Fashion-MNIST images as a tensor.
 * @param data a split from {@link loadFashionMnist}.
 * @param indices which images, in order (any subset, repeats allowed).
 * @returns `[B, 28, 28, 1]` float32 in [0, 1], `B = indices.length`; the caller disposes it.
 * @throws if an index is not an integer in [0, N).
 */
export function fashionMnistBatch(data: FashionMnistData, indices: ArrayLike<number>): tf.Tensor4D {
  const pixels = FASHION_MNIST_SIDE * FASHION_MNIST_SIDE;
  const out = new Float32Array(indices.length * pixels);
  for (let b = 0; b < indices.length; b++) {
    const i = indices[b];
    if (!Number.isInteger(i) || i < 0 || i >= data.count) {
      throw new Error(
        `Fashion-MNIST ${data.split} index ${i} (at position ${b}) is out of range 0..${data.count - 1}`,
      );
    }
    const src = i * pixels;
    for (let p = 0; p < pixels; p++) out[b * pixels + p] = data.images[src + p] / 255;
  }
  return tf.tensor4d(out, [indices.length, FASHION_MNIST_SIDE, FASHION_MNIST_SIDE, 1]);
}
