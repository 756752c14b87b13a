/**
 * One image file decoded with sharp (libvips) into the pixels a classifier
 * takes: turned upright by its EXIF orientation, fitted to the input size
 * (`lib/data/image-fit.ts`; shrunk by sharp's Lanczos filter, enlarged
 * bilinearly by `lib/image/enlarge-bilinear.ts`, both with the pixel centres
 * boxes assume), transparency flattened onto black (the
 * background of the kit's own data), and converted to the model's channels:
 * grey repeated into RGB, or RGB reduced to grey by the ITU-R BT.601 luma
 * weights 0.299 R + 0.587 G + 0.114 B (what PIL's `convert('L')` and
 * `tf.image.rgb_to_grayscale` use, so a model trained on such grey images
 * sees the same values).
 */
import sharp from 'sharp';
import { enlargeBilinear } from '../image/enlarge-bilinear';
import { LUMA_WEIGHTS } from '../image/luma';
import { UserError } from '../core/user-error';
import { FitGeometry, ImageFit, fitGeometry } from './image-fit';

/** Channels a model may take: 1 (grey) or 3 (RGB). */
export type ImageChannels = 1 | 3;

/** A decoded image. */
export interface DecodedImage {
  /** `[H, W, C]` row-major values in [0, 1]. */
  pixels: Float32Array;
  /** How the upright original was fitted to `[H, W]` (for its boxes). */
  geometry: FitGeometry;
}

/** The first line of a decoder's or parser's message (libvips repeats its warning on several lines). */
export function firstLine(message: string): string {
  return message.split('\n')[0];
}

/** A file the decoder rejects (missing, unreadable, truncated, not an image); the message names the file, then the reason. */
export class ImageDecodeError extends UserError {
  constructor(
    readonly file: string,
    /** The decoder's reason, its first line. */
    readonly reason: string,
  ) {
    super(`${file}: cannot decode image (${reason})`);
    this.name = 'ImageDecodeError';
  }
}

/**
 * Decodes, fits and converts one image.
 * @param outputSize `[H, W]`, the model's input size.
 * @throws an {@link ImageDecodeError} (`<file>: cannot decode image (<reason>)`)
 *   for a file that is missing, unreadable, truncated or not an image.
 */
export async function decodeImage(
  file: string,
  outputSize: readonly [number, number],
  channels: ImageChannels,
  fit: ImageFit,
): Promise<DecodedImage> {
  let rgb: Buffer;
  let geometry: FitGeometry;
  let shrunk: [number, number];
  try {
    const meta = await sharp(file).metadata();
    const [h, w] = [meta.autoOrient.height, meta.autoOrient.width];
    geometry = fitGeometry([h, w], outputSize, fit);
    // sharp shrinks (with its anti-aliasing filter); enlarging is left to enlargeBilinear, whose pixel centres are exact.
    shrunk = [Math.min(geometry.resized[0], h), Math.min(geometry.resized[1], w)];
    let pipeline = sharp(file).autoOrient();
    if (shrunk[0] !== h || shrunk[1] !== w)
      pipeline = pipeline.resize({ width: shrunk[1], height: shrunk[0], fit: 'fill' });
    const out = await pipeline
      .flatten({ background: '#000000' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (out.info.channels !== 3)
      throw new Error(`decoded to ${out.info.channels} channels, expected 3`);
    rgb = out.data;
  } catch (e) {
    throw new ImageDecodeError(file, firstLine((e as Error).message));
  }
  const [[rh, rw], [top, left], [H, W]] = [geometry.resized, geometry.offset, geometry.output];
  const resized =
    shrunk[0] === rh && shrunk[1] === rw ? rgb : enlargeBilinear(rgb, shrunk, 3, [rh, rw]);
  const pixels = new Float32Array(H * W * channels);
  const [wr, wg, wb] = LUMA_WEIGHTS;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const [p, q] = [((y + top) * rw + x + left) * 3, y * W + x];
      if (channels === 3) {
        for (let c = 0; c < 3; c++) pixels[3 * q + c] = resized[p + c] / 255;
      } else {
        pixels[q] = (wr * resized[p] + wg * resized[p + 1] + wb * resized[p + 2]) / 255;
      }
    }
  }
  return { pixels, geometry };
}
