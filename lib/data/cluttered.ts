/**
 * Cluttered Fashion-MNIST, the kit's default saliency benchmark (docs/design.md §3),
 * in the spirit of Cluttered MNIST (Jaderberg et al., "Spatial Transformer
 * Networks", 2015): a colour canvas with a textured background, clutter made
 * of small dim fragments of other Fashion-MNIST items, and one tinted, scaled
 * Fashion-MNIST item (or two of different classes) placed at random. Because
 * the item is drawn by the generator, its exact pixel silhouette and box are
 * known: the ground truth for localisation and for checking masks.
 *
 * Every image is a pure function of (split, variant, seed, index): it can be
 * regenerated anywhere, in any order, without storing the data set. Pixels are
 * written straight into typed arrays (no tfjs per image), so the 60,000
 * training images take seconds, not minutes.
 *
 * Painting order, per image: background gradient + low-frequency noise +
 * grain → clutter fragments (behind) → item(s) (in front).
 */
import * as tf from '@tensorflow/tfjs';
import { Random, Seed } from '../core/random';
import { Box } from './box';
import {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_SIDE,
  FashionMnistData,
  FashionMnistOptions,
  FashionMnistSplit,
  loadFashionMnist,
} from './fashion-mnist';

/** `single`: one item per image; `pair`: two items of different classes with non-overlapping boxes. */
export type ClutteredVariant = 'single' | 'pair';

/** An inclusive range `[min, max]`. */
export type Range = readonly [number, number];

/** Options of {@link ClutteredFashionMnist}; every field is optional. */
export interface ClutteredConfig {
  /** Fashion-MNIST split the items come from (`test` reads t10k). Default `'train'`. */
  split?: FashionMnistSplit;
  /** One or two items per image. Default `'single'`. */
  variant?: ClutteredVariant;
  /** Seed of the whole data set. Default {@link DEFAULT_CLUTTERED_SEED}. */
  seed?: Seed;
  /** Canvas side in pixels (images are square). Default {@link DEFAULT_CLUTTERED_SIZE} (64). */
  size?: number;
  /**
   * Side in pixels the 28×28 item is scaled to, drawn uniformly from this
   * inclusive range. Default {@link DEFAULT_ITEM_SIZE} `[24, 44]` for `single`
   * and {@link DEFAULT_PAIR_ITEM_SIZE} `[20, 32]` for `pair`; for `pair` the
   * maximum must not exceed half the canvas.
   */
  itemSize?: Range;
  /** Number of clutter fragments, inclusive range. Default {@link DEFAULT_FRAGMENT_COUNT} `[4, 8]`. */
  fragmentCount?: Range;
  /** Side of a fragment's crop in source (28×28) pixels, inclusive. Default {@link DEFAULT_FRAGMENT_CROP} `[6, 12]`. */
  fragmentCrop?: Range;
  /** Opacity of a fragment, range. Default {@link DEFAULT_FRAGMENT_OPACITY} `[0.35, 0.65]`. */
  fragmentOpacity?: Range;
  /**
   * A scaled item pixel belongs to the silhouette when its alpha exceeds this.
   * Alpha is `min(1, 4 · intensity)` with intensity in [0, 1] after scaling, so
   * the default {@link DEFAULT_INK_THRESHOLD} (0.3) keeps intensities above ≈ 0.075.
   */
  inkThreshold?: number;
  /** Number of images. Default: the size of the split (60,000 or 10,000); index `i` uses item `i mod N`. */
  length?: number;
  /** Where to read Fashion-MNIST. Default: see {@link FashionMnistOptions}. */
  fashionMnist?: FashionMnistOptions;
}

/** Default data-set seed. */
export const DEFAULT_CLUTTERED_SEED = 0;
/** Default canvas side in pixels. */
export const DEFAULT_CLUTTERED_SIZE = 64;
/** Default item side range for `single`: below ≈ 24 px shirts, coats and pullovers lose the details that tell them apart. */
export const DEFAULT_ITEM_SIZE: Range = [24, 44];
/** Default item side range for `pair`: each item must fit in half of a 64 px canvas. */
export const DEFAULT_PAIR_ITEM_SIZE: Range = [20, 32];
/** Default number of clutter fragments per image. */
export const DEFAULT_FRAGMENT_COUNT: Range = [4, 8];
/** Default fragment crop side in source pixels: well under the 28 px of a whole item. */
export const DEFAULT_FRAGMENT_CROP: Range = [6, 12];
/** Default fragment opacity: clutter stays dimmer than the fully opaque item. */
export const DEFAULT_FRAGMENT_OPACITY: Range = [0.35, 0.65];
/** Default alpha above which a scaled item pixel is part of the silhouette. */
export const DEFAULT_INK_THRESHOLD = 0.3;

/** Background noise lattice: cells per side (each about 16 px on a 64 px canvas). */
const NOISE_CELLS = 4;

/** Intensity-to-alpha gain: faint cloth stays opaque, the black surround stays transparent. */
const ALPHA_GAIN = 4;

/** One item drawn on the canvas, with its ground truth. */
export interface PlacedItem {
  /** Class label 0..9 (see {@link FASHION_MNIST_CLASSES}). */
  label: number;
  /** Index of the source image in the Fashion-MNIST split. */
  sourceIndex: number;
  /** Tightest box around `silhouette`, pixels, `x1`/`y1` exclusive. */
  box: Box;
  /** `[H, W]` row-major, 1 where the item's alpha exceeds the ink threshold, else 0. */
  silhouette: Uint8Array;
}

/** One generated image. */
export interface ClutteredSample {
  /** Index within the data set. */
  index: number;
  /** `[H, W, 3]` row-major RGB in [0, 1]. */
  image: Float32Array;
  /** Label of the first item (the only one for `single`). */
  label: number;
  /** The drawn items: one for `single`, two of different classes for `pair`. */
  items: PlacedItem[];
}

/** An item the caller places on a scene ({@link ClutteredFashionMnist.scene}). */
export interface ItemPlacement {
  /** Index of the source image in the Fashion-MNIST split. */
  sourceIndex: number;
  /** Side in pixels the 28×28 item is scaled to. */
  size: number;
  /** Top-left corner on the canvas, pixels; the item may reach past any edge (it is clipped). */
  x: number;
  y: number;
}

/** One scene painted by {@link ClutteredFashionMnist.scene}. */
export interface ClutteredScene {
  /** `[H, W, 3]` row-major RGB in [0, 1]. */
  image: Float32Array;
  /** Per placement, in order: the item's ground truth on the canvas, or `null` when none of its ink falls on it. */
  items: (PlacedItem | null)[];
}

/** A batch of generated images; index `b` of every field is the same image. */
export interface ClutteredBatch {
  /** `[B, H, W, 3]` float32 RGB in [0, 1]; the caller disposes it. */
  images: tf.Tensor4D;
  /** `[B]` label of each image's first item. */
  labels: Int32Array;
  /** `[B]` box of each image's first item. */
  boxes: Box[];
  /** `[B, H, W]` row-major silhouettes of each image's first item (0/1). */
  silhouettes: Uint8Array;
  /** `[B]` every item of each image (two per image for `pair`). */
  items: PlacedItem[][];
  /** `[B]` data-set indices of the images. */
  indices: number[];
}

/** Resolved configuration: every field set. */
export type ResolvedClutteredConfig = Required<Omit<ClutteredConfig, 'fashionMnist'>>;

/** Converts hue, saturation, value in [0, 1] to RGB in [0, 1]. */
function hsv(h: number, s: number, v: number): [number, number, number] {
  const hh = ((h % 1) + 1) % 1;
  const i = Math.floor(hh * 6);
  const f = hh * 6 - i;
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const t = v * (1 - (1 - f) * s);
  switch (i % 6) {
    case 0:
      return [v, t, p];
    case 1:
      return [q, v, p];
    case 2:
      return [p, v, t];
    case 3:
      return [p, q, v];
    case 4:
      return [t, p, v];
    default:
      return [v, p, q];
  }
}

function checkRange(r: Range, what: string, lo: number, hi: number, integer: boolean): void {
  const ok =
    Array.isArray(r) &&
    r.length === 2 &&
    r.every((v) => Number.isFinite(v) && (!integer || Number.isInteger(v)) && v >= lo && v <= hi) &&
    r[0] <= r[1];
  if (!ok) {
    throw new Error(
      `${what} must be ${integer ? 'integers' : 'numbers'} [min, max] with ${lo} ≤ min ≤ max ≤ ${hi}, got ${JSON.stringify(r)}`,
    );
  }
}

/** Fills in defaults and checks every field; throws naming the bad one. */
export function resolveClutteredConfig(
  config: ClutteredConfig,
  splitSize: number,
): ResolvedClutteredConfig {
  const variant = config.variant ?? 'single';
  if (variant !== 'single' && variant !== 'pair') {
    throw new Error(`variant must be 'single' or 'pair', got '${String(variant)}'`);
  }
  const size = config.size ?? DEFAULT_CLUTTERED_SIZE;
  if (!Number.isInteger(size) || size < 16)
    throw new Error(`size must be an integer ≥ 16, got ${size}`);
  const itemSize =
    config.itemSize ?? (variant === 'pair' ? DEFAULT_PAIR_ITEM_SIZE : DEFAULT_ITEM_SIZE);
  const maxItem = variant === 'pair' ? Math.floor(size / 2) : size;
  checkRange(itemSize, `itemSize (${variant}, canvas ${size})`, 8, maxItem, true);
  const fragmentCount = config.fragmentCount ?? DEFAULT_FRAGMENT_COUNT;
  checkRange(fragmentCount, 'fragmentCount', 0, 1000, true);
  const fragmentCrop = config.fragmentCrop ?? DEFAULT_FRAGMENT_CROP;
  checkRange(fragmentCrop, 'fragmentCrop', 2, FASHION_MNIST_SIDE, true);
  const fragmentOpacity = config.fragmentOpacity ?? DEFAULT_FRAGMENT_OPACITY;
  checkRange(fragmentOpacity, 'fragmentOpacity', 0, 1, false);
  const inkThreshold = config.inkThreshold ?? DEFAULT_INK_THRESHOLD;
  if (!(inkThreshold >= 0 && inkThreshold < 1))
    throw new Error(`inkThreshold must lie in [0, 1), got ${inkThreshold}`);
  const length = config.length ?? splitSize;
  if (!Number.isInteger(length) || length < 1)
    throw new Error(`length must be a positive integer, got ${length}`);
  return {
    split: config.split ?? 'train',
    variant,
    seed: config.seed ?? DEFAULT_CLUTTERED_SEED,
    size,
    itemSize,
    fragmentCount,
    fragmentCrop,
    fragmentOpacity,
    inkThreshold,
    length,
  };
}

/** Where and how to stamp a rectangle of a Fashion-MNIST image onto the canvas. */
interface Stamp {
  /** Offset of the source image in the split's pixel array. */
  src: number;
  /** Crop in source pixels: origin and side lengths. */
  cx: number;
  cy: number;
  cw: number;
  ch: number;
  /** Destination rectangle on the canvas (may reach past the edges; clipped). */
  dx: number;
  dy: number;
  dw: number;
  dh: number;
  /** RGB tint in [0, 1]. */
  colour: [number, number, number];
  /** Overall opacity in [0, 1]. */
  opacity: number;
}

/**
 * A deterministic Cluttered Fashion-MNIST data set over one split.
 *
 * Example:
 * ```ts
 * const data = new ClutteredFashionMnist({ split: 'train', seed: 1 });
 * const { images, labels, boxes } = data.batch(0, 64); // images [64, 64, 64, 3]
 * images.dispose();
 * ```
 */
export class ClutteredFashionMnist {
  /** The configuration with every default filled in. */
  readonly config: ResolvedClutteredConfig;
  /** Number of images. */
  readonly length: number;
  /** Image height and width, `[size, size]`. */
  readonly imageSize: readonly [number, number];
  /** Class names, label order. */
  readonly classNames: readonly string[] = FASHION_MNIST_CLASSES;
  private readonly source: FashionMnistData;
  private readonly root: Random;
  /** Source indices grouped by label, for drawing a second item of another class. */
  private readonly byLabel: Int32Array[];
  /** Per pixel coordinate: the background-noise lattice cell it falls in, and its smoothstep weight in that cell. */
  private readonly noiseCell: Int32Array;
  private readonly noiseWeight: Float32Array;
  /** Scratch for {@link stamp}: per canvas column, the two source columns and the weight between them. */
  private readonly colLeft: Int32Array;
  private readonly colRight: Int32Array;
  private readonly colWeight: Float32Array;

  /**
   * Loads the Fashion-MNIST split (cached per process) and checks the configuration.
   * @throws if the data are missing or an option is out of range.
   */
  constructor(config: ClutteredConfig = {}) {
    this.source = loadFashionMnist(config.split ?? 'train', config.fashionMnist);
    this.config = resolveClutteredConfig(config, this.source.count);
    this.length = this.config.length;
    this.imageSize = [this.config.size, this.config.size];
    const { split, variant, seed } = this.config;
    this.root = new Random(`cluttered-fashion-mnist/${split}/${variant}/${String(seed)}`);
    const groups: number[][] = FASHION_MNIST_CLASSES.map(() => []);
    this.source.labels.forEach((label, i) => groups[label].push(i));
    this.byLabel = groups.map((g) => Int32Array.from(g));
    const size = this.config.size;
    this.noiseCell = new Int32Array(size);
    this.noiseWeight = new Float32Array(size);
    this.colLeft = new Int32Array(size);
    this.colRight = new Int32Array(size);
    this.colWeight = new Float32Array(size);
    for (let x = 0; x < size; x++) {
      const f = ((x + 0.5) / size) * NOISE_CELLS;
      const cell = Math.min(NOISE_CELLS - 1, Math.floor(f));
      const w = f - cell;
      this.noiseCell[x] = cell;
      this.noiseWeight[x] = w * w * (3 - 2 * w);
    }
  }

  /** Generates image `index` as a fresh `[H, W, 3]` array with its items. */
  sample(index: number): ClutteredSample {
    const { size } = this.config;
    const image = new Float32Array(size * size * 3);
    const items = this.render(index, image, 0);
    return { index, image, label: items[0].label, items };
  }

  /**
   * Image `index`'s background and clutter with items placed by the caller
   * instead of its own, painted in order (later ones in front). The frames
   * of a clip with moving items are scenes of one index: the background,
   * the clutter and each placement's tint stay the same from frame to frame.
   * @param placements the items; their tints are drawn in order, so keep
   *   every item of a clip in the list on every frame, inside the canvas or not.
   * @throws on an index out of range or a placement that is not integral or
   *   names no source image.
   */
  scene(index: number, placements: readonly ItemPlacement[]): ClutteredScene {
    placements.forEach((p, k) => {
      const integral = [p.sourceIndex, p.size, p.x, p.y].every(Number.isInteger);
      if (!integral || p.size < 1 || p.sourceIndex < 0 || p.sourceIndex >= this.source.count)
        throw new Error(
          `scene: placement ${k} ${JSON.stringify(p)} needs integers, size >= 1 and sourceIndex in 0..${this.source.count - 1}`,
        );
    });
    const image = new Float32Array(this.config.size * this.config.size * 3);
    const { rng, backgroundHue } = this.paintScene(index, image, 0);
    const items = placements.map((p) =>
      this.paintItem(rng, p.sourceIndex, p.size, p.x, p.y, backgroundHue, image, 0),
    );
    return { image, items };
  }

  /**
   * Generates images straight into a batch tensor.
   * @param indices data-set indices, each an integer in [0, length); or use {@link ClutteredFashionMnist.range}.
   * @returns a {@link ClutteredBatch}; its `images` tensor `[B, H, W, 3]` is the caller's to dispose.
   */
  batch(indices: readonly number[]): ClutteredBatch;
  /** Generates images `start .. end-1` (end exclusive, clipped to `length`). */
  batch(start: number, end: number): ClutteredBatch;
  batch(first: readonly number[] | number, end?: number): ClutteredBatch {
    const indices = typeof first === 'number' ? this.range(first, end ?? first + 1) : [...first];
    const { size } = this.config;
    const pixels = size * size;
    const buffer = new Float32Array(indices.length * pixels * 3);
    const silhouettes = new Uint8Array(indices.length * pixels);
    const labels = new Int32Array(indices.length);
    const boxes: Box[] = [];
    const items: PlacedItem[][] = [];
    indices.forEach((index, b) => {
      const placed = this.render(index, buffer, b * pixels * 3);
      labels[b] = placed[0].label;
      boxes.push(placed[0].box);
      silhouettes.set(placed[0].silhouette, b * pixels);
      items.push(placed);
    });
    const images = tf.tensor4d(buffer, [indices.length, size, size, 3]);
    return { images, labels, boxes, silhouettes, items, indices };
  }

  /** The indices `start .. end-1`, with `end` clipped to `length`. */
  range(start: number, end: number): number[] {
    const stop = Math.min(end, this.length);
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || start >= stop) {
      throw new Error(
        `batch range [${start}, ${end}) is empty or invalid for a data set of ${this.length} images`,
      );
    }
    return Array.from({ length: stop - start }, (_, k) => start + k);
  }

  /**
   * Paints image `index` into `out` at `offset` (`H·W·3` floats, RGB
   * interleaved) and returns its items. Everything random is drawn from a
   * stream forked from the data-set seed by `index`.
   */
  private render(index: number, out: Float32Array, offset: number): PlacedItem[] {
    const { rng, backgroundHue } = this.paintScene(index, out, offset);

    // The item(s): one at a random place, or two in the two halves of a random split.
    const first = index % this.source.count;
    if (this.config.variant === 'single') {
      const s = rng.int(this.config.itemSize[0], this.config.itemSize[1] + 1);
      const size = this.config.size;
      const x = rng.int(0, size - s + 1);
      const y = rng.int(0, size - s + 1);
      return [
        this.inked(this.paintItem(rng, first, s, x, y, backgroundHue, out, offset), first, s),
      ];
    }
    const otherLabels = [...this.byLabel.keys()].filter(
      (k) => k !== this.source.labels[first] && this.byLabel[k].length > 0,
    );
    const pool = this.byLabel[rng.pick(otherLabels)];
    const second = pool[rng.int(0, pool.length)];
    const half = Math.floor(this.config.size / 2);
    const sideBySide = rng.bernoulli();
    const firstInLowerHalf = rng.bernoulli();
    return [first, second].map((sourceIndex, k) => {
      const s = rng.int(this.config.itemSize[0], this.config.itemSize[1] + 1);
      const lower = (k === 0) === firstInLowerHalf;
      // Along the split axis the item stays inside its half; across it, anywhere.
      const along = lower ? rng.int(0, half - s + 1) : rng.int(half, this.config.size - s + 1);
      const across = rng.int(0, this.config.size - s + 1);
      const [x, y] = sideBySide ? [along, across] : [across, along];
      return this.inked(
        this.paintItem(rng, sourceIndex, s, x, y, backgroundHue, out, offset),
        sourceIndex,
        s,
      );
    });
  }

  /**
   * Paints image `index`'s background and clutter into `out` at `offset`;
   * returns the image's random stream (forked from the data-set seed by
   * `index`), positioned for its items, and the background hue.
   */
  private paintScene(
    index: number,
    out: Float32Array,
    offset: number,
  ): { rng: Random; backgroundHue: number } {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new Error(`image index ${index} is out of range 0..${this.length - 1}`);
    }
    const rng = this.root.fork(index);
    const backgroundHue = rng.uniform();
    this.paintBackground(rng, backgroundHue, out, offset);
    this.paintClutter(rng, out, offset);
    return { rng, backgroundHue };
  }

  /** The item a generated image must have: throws when it left no ink. */
  private inked(item: PlacedItem | null, sourceIndex: number, s: number): PlacedItem {
    if (item === null) {
      throw new Error(
        `Fashion-MNIST ${this.config.split} item ${sourceIndex} left no ink at ${s}×${s} px (inkThreshold ${this.config.inkThreshold})`,
      );
    }
    return item;
  }

  /**
   * Background: a linear gradient between two colours of one random hue,
   * low-frequency value noise (a coarse random grid, smoothly interpolated),
   * and fine grain. Kept darker than items so that items stand out.
   */
  private paintBackground(rng: Random, hue: number, out: Float32Array, offset: number): void {
    const size = this.config.size;
    const c0 = hsv(hue, rng.uniform(0.25, 0.7), rng.uniform(0.2, 0.45));
    const c1 = hsv(hue + rng.uniform(-0.12, 0.12), rng.uniform(0.25, 0.7), rng.uniform(0.2, 0.45));
    const angle = rng.uniform(0, 2 * Math.PI);
    // Gradient position t = t0 + tx·x + ty·y runs over [0, 1] along the random direction.
    const tx = Math.cos(angle) / ((size - 1) * Math.SQRT2);
    const ty = Math.sin(angle) / ((size - 1) * Math.SQRT2);
    const t0 = 0.5 - (tx + ty) * (size - 1) * 0.5;
    // Value noise on a (G+1)×(G+1) lattice: channel 3 is luminance, 0..2 a per-channel tint.
    const G = NOISE_CELLS;
    const lumAmp = rng.uniform(0.04, 0.12);
    const tintAmp = rng.uniform(0.02, 0.06);
    const lattice = new Float32Array((G + 1) * (G + 1) * 4);
    for (let k = 0; k < lattice.length; k++)
      lattice[k] = rng.uniform(-1, 1) * (k % 4 === 3 ? lumAmp : tintAmp);
    const grain = rng.uniform(0.01, 0.04);
    // Grain comes from a local xorshift32 seeded by the stream: one draw per pixel, cheaply.
    let state = rng.nextUint32() | 1;
    const row = new Float32Array((G + 1) * 3);
    const { noiseCell, noiseWeight } = this;
    for (let y = 0; y < size; y++) {
      // Interpolate the lattice down to this row, then along it per pixel.
      const iy = noiseCell[y];
      const wy = noiseWeight[y];
      for (let j = 0; j <= G; j++) {
        const a = (iy * (G + 1) + j) * 4;
        const b = a + (G + 1) * 4;
        for (let c = 0; c < 3; c++) {
          row[j * 3 + c] =
            lattice[a + c] +
            lattice[a + 3] +
            wy * (lattice[b + c] + lattice[b + 3] - lattice[a + c] - lattice[a + 3]);
        }
      }
      for (let x = 0; x < size; x++) {
        const j = noiseCell[x] * 3;
        const wx = noiseWeight[x];
        const t = t0 + tx * x + ty * y;
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        const g = grain * ((state >>> 0) / 2147483648 - 1);
        const p = offset + (y * size + x) * 3;
        for (let c = 0; c < 3; c++) {
          const v =
            c0[c] + (c1[c] - c0[c]) * t + row[j + c] + wx * (row[j + 3 + c] - row[j + c]) + g;
          out[p + c] = v < 0 ? 0 : v > 1 ? 1 : v;
        }
      }
    }
  }

  /** Clutter: small, dim, tinted crops of random other items, scattered (possibly past the edges). */
  private paintClutter(rng: Random, out: Float32Array, offset: number): void {
    const { fragmentCount, fragmentCrop, fragmentOpacity, size } = this.config;
    const side = FASHION_MNIST_SIDE;
    const n = rng.int(fragmentCount[0], fragmentCount[1] + 1);
    for (let f = 0; f < n; f++) {
      const src = rng.int(0, this.source.count) * side * side;
      const cw = rng.int(fragmentCrop[0], fragmentCrop[1] + 1);
      const ch = rng.int(fragmentCrop[0], fragmentCrop[1] + 1);
      // Prefer crops that cut across an outline (about half cloth, half
      // surround): of a few tries, keep the one whose mean intensity is nearest 0.4.
      let best = { cx: 0, cy: 0, score: Infinity };
      for (let t = 0; t < 4; t++) {
        const cx = rng.int(0, side - cw + 1);
        const cy = rng.int(0, side - ch + 1);
        const score = Math.abs(this.meanIntensity(src, cx, cy, cw, ch) - 0.4);
        if (score < best.score) best = { cx, cy, score };
      }
      const scale = rng.uniform(0.9, 1.5);
      const dw = Math.max(2, Math.round(cw * scale));
      const dh = Math.max(2, Math.round(ch * scale));
      this.stamp(
        {
          src,
          cx: best.cx,
          cy: best.cy,
          cw,
          ch,
          dx: rng.int(-Math.floor(dw / 3), size - Math.ceil((2 * dw) / 3) + 1),
          dy: rng.int(-Math.floor(dh / 3), size - Math.ceil((2 * dh) / 3) + 1),
          dw,
          dh,
          colour: hsv(rng.uniform(), rng.uniform(0.3, 0.8), rng.uniform(0.5, 0.8)),
          opacity: rng.uniform(fragmentOpacity[0], fragmentOpacity[1]),
        },
        out,
        offset,
        null,
      );
    }
  }

  /** Mean source intensity in [0, 1] over a crop. */
  private meanIntensity(src: number, cx: number, cy: number, cw: number, ch: number): number {
    let sum = 0;
    for (let y = cy; y < cy + ch; y++) {
      for (let x = cx; x < cx + cw; x++)
        sum += this.source.images[src + y * FASHION_MNIST_SIDE + x];
    }
    return sum / (255 * cw * ch);
  }

  /**
   * Draws a whole item scaled to `s`×`s` at `(x, y)`, fully opaque, in a
   * bright saturated tint whose hue sits away from the background's, and
   * returns its ground truth, or `null` when none of its ink falls on the canvas.
   */
  private paintItem(
    rng: Random,
    sourceIndex: number,
    s: number,
    x: number,
    y: number,
    backgroundHue: number,
    out: Float32Array,
    offset: number,
  ): PlacedItem | null {
    const side = FASHION_MNIST_SIDE;
    const size = this.config.size;
    const silhouette = new Uint8Array(size * size);
    const colour = hsv(
      backgroundHue + rng.uniform(0.25, 0.75),
      rng.uniform(0.45, 0.9),
      rng.uniform(0.85, 1),
    );
    const box = this.stamp(
      {
        src: sourceIndex * side * side,
        cx: 0,
        cy: 0,
        cw: side,
        ch: side,
        dx: x,
        dy: y,
        dw: s,
        dh: s,
        colour,
        opacity: 1,
      },
      out,
      offset,
      silhouette,
    );
    if (box === null) return null;
    return { label: this.source.labels[sourceIndex], sourceIndex, box, silhouette };
  }

  /**
   * Alpha-composites one stamp over the canvas with bilinear scaling.
   * Alpha is `opacity · min(1, 4·v)` and colour `tint · (0.55 + 0.45·v)` for
   * source intensity `v` in [0, 1], so cloth texture shows as shading.
   * When `silhouette` is given, marks pixels whose alpha exceeds the ink
   * threshold and returns their tightest box (or null if none).
   */
  private stamp(
    st: Stamp,
    out: Float32Array,
    offset: number,
    silhouette: Uint8Array | null,
  ): Box | null {
    const side = FASHION_MNIST_SIDE;
    const size = this.config.size;
    const images = this.source.images;
    const threshold = this.config.inkThreshold;
    const [red, green, blue] = st.colour;
    let x0 = size;
    let y0 = size;
    let x1 = 0;
    let y1 = 0;
    const yStart = Math.max(0, st.dy);
    const yEnd = Math.min(size, st.dy + st.dh);
    const xStart = Math.max(0, st.dx);
    const xEnd = Math.min(size, st.dx + st.dw);
    // Source column of each destination pixel's centre, clamped to the crop: two neighbours and a weight.
    const { colLeft, colRight, colWeight } = this;
    for (let px = xStart; px < xEnd; px++) {
      let sx = st.cx + ((px - st.dx + 0.5) * st.cw) / st.dw - 0.5;
      sx = Math.min(Math.max(sx, st.cx), st.cx + st.cw - 1);
      const sx0 = Math.floor(sx);
      colLeft[px] = sx0;
      colRight[px] = Math.min(sx0 + 1, st.cx + st.cw - 1);
      colWeight[px] = sx - sx0;
    }
    for (let py = yStart; py < yEnd; py++) {
      // The same for the source row.
      let sy = st.cy + ((py - st.dy + 0.5) * st.ch) / st.dh - 0.5;
      sy = Math.min(Math.max(sy, st.cy), st.cy + st.ch - 1);
      const sy0 = Math.floor(sy);
      const fy = sy - sy0;
      const top = st.src + sy0 * side;
      const bottom = st.src + Math.min(sy0 + 1, st.cy + st.ch - 1) * side;
      for (let px = xStart; px < xEnd; px++) {
        const l = colLeft[px];
        const r = colRight[px];
        const fx = colWeight[px];
        const upper = images[top + l] + fx * (images[top + r] - images[top + l]);
        const lower = images[bottom + l] + fx * (images[bottom + r] - images[bottom + l]);
        const v = (upper + fy * (lower - upper)) / 255;
        const ink = Math.min(1, ALPHA_GAIN * v);
        if (ink <= 0) continue;
        const alpha = st.opacity * ink;
        const shade = 0.55 + 0.45 * v;
        const p = offset + (py * size + px) * 3;
        out[p] += alpha * (red * shade - out[p]);
        out[p + 1] += alpha * (green * shade - out[p + 1]);
        out[p + 2] += alpha * (blue * shade - out[p + 2]);
        if (silhouette !== null && alpha > threshold) {
          silhouette[py * size + px] = 1;
          if (px < x0) x0 = px;
          if (px >= x1) x1 = px + 1;
          if (py < y0) y0 = py;
          if (py >= y1) y1 = py + 1;
        }
      }
    }
    return x1 === 0 ? null : { x0, y0, x1, y1 };
  }
}
