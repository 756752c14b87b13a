/**
 * How an image of any size is fitted to a classifier's input size `[H, W]`,
 * and where a box of the original image lands in the fitted one:
 *
 * - `'stretch'`: each axis is scaled on its own to `W × H`; the aspect ratio
 *   is not kept (a 4:3 photo is squeezed into a square input).
 * - `'center-crop'`: the image is scaled by one factor so that it covers
 *   `W × H` (its shorter side fits), then its centre `W × H` is cut out;
 *   nothing is distorted and the ends of the longer side are lost.
 *
 * Boxes follow `lib/data/box.ts` (pixels, `x1`/`y1` exclusive) and are mapped
 * by the same scales and offsets as the pixels.
 */
import { UserError } from '../core/user-error';
import type { Box } from './box';

/** How an image is fitted to the input size (see the file comment). */
export type ImageFit = 'stretch' | 'center-crop';

/** Every {@link ImageFit}, for option checks. */
export const IMAGE_FITS: readonly ImageFit[] = ['stretch', 'center-crop'];

/** The default fit: stretching, how the kit has always resized images. */
export const DEFAULT_IMAGE_FIT: ImageFit = 'stretch';

/** Where an image goes: resized to `resized`, then the `output`-sized window at `offset` is kept. */
export interface FitGeometry {
  /** `[height, width]` of the original image. */
  source: readonly [number, number];
  /** `[height, width]` after resizing, at least `output` on each axis. */
  resized: readonly [number, number];
  /** `[top, left]` of the kept window in the resized image. */
  offset: readonly [number, number];
  /** `[H, W]`, the input size. */
  output: readonly [number, number];
}

/** Throws a {@link UserError} naming `what` unless `fit` is an {@link ImageFit}. */
export function assertImageFit(fit: string, what: string): asserts fit is ImageFit {
  if (!(IMAGE_FITS as readonly string[]).includes(fit)) {
    throw new UserError(`${what} must be one of ${IMAGE_FITS.join(', ')}, got '${fit}'`);
  }
}

/**
 * The geometry that fits a `source` image to `output` by `fit`.
 * With `'center-crop'` the resized size is rounded to whole pixels (never below
 * `output`) and the window is centred, its offset rounded down.
 * @throws when a size is not made of positive integers.
 */
export function fitGeometry(
  source: readonly [number, number],
  output: readonly [number, number],
  fit: ImageFit,
): FitGeometry {
  for (const [size, what] of [
    [source, 'source'],
    [output, 'output'],
  ] as const) {
    if (!size.every((n) => Number.isInteger(n) && n > 0))
      throw new Error(
        `fitGeometry: ${what} size must be positive integers [height, width], got [${size.join(', ')}]`,
      );
  }
  const [h, w] = source;
  const [H, W] = output;
  if (fit === 'stretch') return { source, resized: output, offset: [0, 0], output };
  const scale = Math.max(H / h, W / w);
  const resized: [number, number] = [
    Math.max(H, Math.round(h * scale)),
    Math.max(W, Math.round(w * scale)),
  ];
  return {
    source,
    resized,
    offset: [Math.floor((resized[0] - H) / 2), Math.floor((resized[1] - W) / 2)],
    output,
  };
}

/**
 * A box of the original image in the pixels of the fitted one, clipped to it.
 * @returns the box, or `null` when the crop leaves none of it visible.
 */
export function fitBox(box: Box, geometry: FitGeometry): Box | null {
  const [sy, sx] = [
    geometry.resized[0] / geometry.source[0],
    geometry.resized[1] / geometry.source[1],
  ];
  const [top, left] = geometry.offset;
  const [H, W] = geometry.output;
  const clip = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
  const fitted = {
    x0: clip(box.x0 * sx - left, W),
    y0: clip(box.y0 * sy - top, H),
    x1: clip(box.x1 * sx - left, W),
    y1: clip(box.y1 * sy - top, H),
  };
  return fitted.x0 < fitted.x1 && fitted.y0 < fitted.y1 ? fitted : null;
}
