/**
 * Evidence removal, Dabkowski & Gal (2017), "Real Time Image Saliency for
 * Black Box Classifiers", §3:
 *
 *     Φ(X, M) = X ⊙ M + A ⊙ (1 − M)
 *
 * keeps the image X where the mask M is 1 and replaces it with an alternative
 * image A where M is 0. The paper's A is a strongly blurred X (σ = 10 px at
 * 224×224) or a random constant colour plus Gaussian noise, drawn afresh at
 * every call during training (50% each). A = 0 is kept as the adversarial case:
 * with it a non-smooth mask can create evidence that was not in X.
 */
import * as tf from '@tensorflow/tfjs';
import {
  RangeCheckOption,
  assertNumber,
  assertRange,
  assertRank,
  assertShape,
} from '../core/checks';
import { gaussianBlur } from '../image/gaussian-blur';
import { Random } from '../core/random';

/**
 * Which alternative image A to use:
 * - `'blur'`: X blurred with a Gaussian (σ = 10·W/224 px by default);
 * - `'noise'`: a random constant colour per image plus Gaussian noise, clipped to [0, 1];
 * - `'constant'`: one given colour (default 0, the adversarial A = 0);
 * - `'random-mix'`: per image, `'blur'` or `'noise'` with probability ½ each.
 */
export type AlternativeKind = 'blur' | 'noise' | 'constant' | 'random-mix';

/** Every {@link AlternativeKind}, for command-line checks and sweeps. */
export const ALTERNATIVE_KINDS: readonly AlternativeKind[] = [
  'blur',
  'noise',
  'constant',
  'random-mix',
];

/** Options of {@link alternativeImages}. */
export interface AlternativeConfig {
  /** Which A; default `'random-mix'` (the paper's training choice). */
  kind: AlternativeKind;
  /**
   * Blur standard deviation in pixels. Default: 10·W/224, the paper's 10 px
   * at 224×224 scaled with the image width W.
   */
  blurSigma?: number;
  /** Standard deviation of the Gaussian noise added to the random colour; default 0.2. */
  noiseStd: number;
  /** The colour of `'constant'`: one value for all channels or one per channel; default 0. */
  constantColour: number | readonly number[];
  /**
   * Seed of the random choices (colours, noise, the blur/noise draw of
   * `'random-mix'`). The same seed gives the same A; default: a fresh draw per call.
   */
  seed?: number;
}

/** The defaults of {@link AlternativeConfig}. */
export const DEFAULT_ALTERNATIVE_CONFIG: Readonly<AlternativeConfig> = Object.freeze({
  kind: 'random-mix',
  noiseStd: 0.2,
  constantColour: 0,
});

/** The paper's blur σ in pixels for images `width` pixels wide: 10 at 224. */
export function defaultBlurSigma(width: number): number {
  return (10 * width) / 224;
}

/**
 * A random constant colour per image plus clipped Gaussian noise: `[B, H, W, C]`.
 * The deviates come from `rng` in JavaScript (Box–Muller on sfc32), several
 * times faster on wasm than `tf.randomNormal` and seeded by the same stream.
 */
function colourNoise(
  shape: [number, number, number, number],
  std: number,
  rng: Random,
): tf.Tensor4D {
  const [b, h, w, c] = shape;
  const values = new Float32Array(b * h * w * c);
  for (let i = 0; i < b; i++) {
    const colour = Array.from({ length: c }, () => rng.uniform());
    const start = i * h * w * c;
    for (let p = 0; p < h * w * c; p++) {
      const v = colour[p % c] + rng.normal(0, std);
      values[start + p] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  return tf.tensor4d(values, shape);
}

/**
 * Builds the alternative images A for a batch.
 * @param images X, `[B, H, W, C]` in [0, 1].
 * @param config the kind of A and its options, plus `checkRange` (default true:
 *   X is checked to lie in [0, 1]; the objective, which checked X already, skips it).
 * @returns A, `[B, H, W, C]` in [0, 1]; the caller disposes it. An empty batch gives `[0, H, W, C]`.
 * @throws naming the option or the image range that is invalid.
 */
export function alternativeImages(
  images: tf.Tensor4D,
  config: Partial<AlternativeConfig> & RangeCheckOption = {},
): tf.Tensor4D {
  assertRank(images, 4, 'alternativeImages: images');
  const { checkRange = true, ...rest } = config;
  const cfg: AlternativeConfig = { ...DEFAULT_ALTERNATIVE_CONFIG, ...rest };
  const [b, h, w, c] = images.shape;
  const sigma = cfg.blurSigma ?? defaultBlurSigma(w);
  assertNumber(sigma, (v) => v >= 0, 'alternativeImages: blurSigma', 'a number of pixels >= 0');
  assertNumber(cfg.noiseStd, (v) => v >= 0, 'alternativeImages: noiseStd', '>= 0');
  if (!ALTERNATIVE_KINDS.includes(cfg.kind))
    throw new Error(
      `alternativeImages: unknown alternative kind "${String(cfg.kind)}"; use blur, noise, constant or random-mix`,
    );
  const colour =
    typeof cfg.constantColour === 'number'
      ? new Array<number>(c).fill(cfg.constantColour)
      : [...cfg.constantColour];
  if (cfg.kind === 'constant') {
    if (colour.length !== c)
      throw new Error(
        `alternativeImages: constantColour has ${colour.length} values but images [${images.shape.join(', ')}] have ${c} channels`,
      );
    colour.forEach((v, i) =>
      assertNumber(
        v,
        (x) => x >= 0 && x <= 1,
        `alternativeImages: constantColour[${i}]`,
        'in [0, 1]',
      ),
    );
  }
  if (checkRange)
    assertRange(images, 0, 1, `alternativeImages: images [${images.shape.join(', ')}]`);
  if (b === 0) return tf.zeros([0, h, w, c]);
  const rng = new Random(cfg.seed ?? Math.floor(Math.random() * 2 ** 32));
  switch (cfg.kind) {
    case 'blur':
      return gaussianBlur(images, sigma);
    case 'noise':
      return colourNoise([b, h, w, c], cfg.noiseStd, rng);
    case 'constant':
      return tf.tidy(
        () => tf.mul(tf.ones([b, h, w, 1]), tf.tensor4d(colour, [1, 1, 1, c])) as tf.Tensor4D,
      );
    case 'random-mix': {
      // Each image gets one of the two; only what is used is computed.
      const useBlur = Array.from({ length: b }, () => rng.bernoulli(0.5));
      const blurIndices = useBlur.flatMap((u, i) => (u ? [i] : []));
      const noiseCount = b - blurIndices.length;
      let blurRank = 0;
      let noiseRank = 0;
      const order = useBlur.map((u) => (u ? blurRank++ : blurIndices.length + noiseRank++));
      return tf.tidy(() => {
        const parts: tf.Tensor4D[] = [];
        if (blurIndices.length > 0) parts.push(gaussianBlur(tf.gather(images, blurIndices), sigma));
        if (noiseCount > 0) parts.push(colourNoise([noiseCount, h, w, c], cfg.noiseStd, rng));
        return tf.gather(parts.length === 1 ? parts[0] : tf.concat(parts), order) as tf.Tensor4D;
      });
    }
  }
}

/**
 * The [out, in] matrix of 1-D linear interpolation with pixel-centred sampling:
 * output pixel o reads input position (o + ½)·in/out − ½, clamped to the
 * edge pixels (what `tf.image.resizeBilinear(…, false, true)` computes).
 */
function interpolationMatrix(outSize: number, inSize: number): tf.Tensor2D {
  const values = new Float32Array(outSize * inSize);
  for (let o = 0; o < outSize; o++) {
    const src = Math.min(Math.max(((o + 0.5) * inSize) / outSize - 0.5, 0), inSize - 1);
    const lo = Math.floor(src);
    const hi = Math.min(lo + 1, inSize - 1);
    values[o * inSize + lo] += 1 - (src - lo);
    values[o * inSize + hi] += src - lo;
  }
  return tf.tensor2d(values, [outSize, inSize]);
}

/**
 * Resizes masks `[B, h, w, 1]` to `[B, H, W, 1]` by bilinear interpolation with
 * pixel-centred sampling (half-pixel centres), which keeps values in [0, 1].
 *
 * Computed as two matrix products, M ↦ R_H · M · R_Wᵀ, instead of
 * `tf.image.resizeBilinear`: the same values, but tfjs 4.22's
 * `ResizeBilinearGrad` ignores `halfPixelCenters` and returns wrong gradients,
 * while matrix products differentiate correctly on every backend.
 *
 * A linear resize of any real values (Grad-CAM's activation maps are not in
 * [0, 1]), so the values are not checked: callers check theirs at their own
 * boundary, and every caller in the kit runs it on tensors it made or checked.
 * @param size `[H, W]`, positive integers.
 * @returns `[B, H, W, 1]`; the caller disposes it (a copy when the size already
 *   matches). An empty batch gives `[0, H, W, 1]`.
 */
export function upsampleMask(masks: tf.Tensor4D, size: readonly [number, number]): tf.Tensor4D {
  assertShape(masks, [null, null, null, 1], 'upsampleMask: masks');
  const [b, h, w] = masks.shape;
  const [outH, outW] = size;
  assertNumber(
    outH,
    (v) => Number.isInteger(v) && v >= 1,
    'upsampleMask: size[0]',
    'a positive integer',
  );
  assertNumber(
    outW,
    (v) => Number.isInteger(v) && v >= 1,
    'upsampleMask: size[1]',
    'a positive integer',
  );
  if (b === 0) return tf.zeros([0, outH, outW, 1]);
  if (h === outH && w === outW) return masks.clone();
  return tf.tidy(() => {
    // Columns: [B·h, w] · [w, W] → [B, h, W]; then rows on the transposed maps.
    const cols = tf.matMul(
      tf.reshape(masks, [b * h, w]),
      interpolationMatrix(outW, w),
      false,
      true,
    );
    const turned = tf.reshape(tf.transpose(tf.reshape(cols, [b, h, outW]), [0, 2, 1]), [
      b * outW,
      h,
    ]);
    const rows = tf.matMul(turned, interpolationMatrix(outH, h), false, true);
    return tf.reshape(tf.transpose(tf.reshape(rows, [b, outW, outH]), [0, 2, 1]), [
      b,
      outH,
      outW,
      1,
    ]) as tf.Tensor4D;
  });
}

/**
 * Evidence removal Φ(X, M, A) = X ⊙ M + A ⊙ (1 − M).
 *
 * @param images X, `[B, H, W, C]` in [0, 1].
 * @param masks M, `[B, h, w, 1]` with values in [0, 1]; a lower resolution
 *   (h, w) is upsampled bilinearly to (H, W) first.
 * @param alternative A, `[B, H, W, C]` in [0, 1] (see {@link alternativeImages}).
 * @param options `checkRange` (default true): check the three value ranges,
 *   one small synchronous read-back each; a caller that checked them already skips it.
 * @returns `[B, H, W, C]`; the caller disposes it. Differentiable with respect
 *   to all three inputs. An empty batch gives `[0, H, W, C]`.
 * @throws when shapes disagree or a value is NaN or outside [0, 1], naming the argument.
 */
export function removeEvidence(
  images: tf.Tensor4D,
  masks: tf.Tensor4D,
  alternative: tf.Tensor4D,
  options: RangeCheckOption = {},
): tf.Tensor4D {
  assertRank(images, 4, 'removeEvidence: images');
  const [b, h, w, c] = images.shape;
  assertShape(
    masks,
    [b, null, null, 1],
    `removeEvidence: masks (for images [${images.shape.join(', ')}])`,
  );
  assertShape(alternative, [b, h, w, c], 'removeEvidence: alternative images A');
  if (options.checkRange ?? true) {
    assertRange(images, 0, 1, `removeEvidence: images [${images.shape.join(', ')}]`);
    assertRange(masks, 0, 1, `removeEvidence: masks [${masks.shape.join(', ')}]`);
    assertRange(
      alternative,
      0,
      1,
      `removeEvidence: alternative images A [${alternative.shape.join(', ')}]`,
    );
  }
  return tf.tidy(() => {
    const m = upsampleMask(masks, [h, w]);
    // X ⊙ M + A ⊙ (1 − M), written as A + (X − A) ⊙ M.
    return tf.add(alternative, tf.mul(tf.sub(images, alternative), m)) as tf.Tensor4D;
  });
}
