/**
 * Bilinear enlargement of a raw image with half-pixel centres: output pixel
 * (X, Y) samples the input at ((X + ½)·w/W − ½, (Y + ½)·h/H − ½), clamped to
 * the edge pixels, the convention of `tf.image.resizeBilinear(…,
 * halfPixelCenters = true)`, PIL and OpenCV. Under it the content scales
 * about the image's corner exactly, so a box's edges scale by W/w too; sharp
 * (libvips 8.18) shifts enlarged content by half an output pixel, which is
 * why `lib/data/image-decode.ts` enlarges here and lets sharp only shrink.
 * It does not smooth, so it is meant for enlarging: shrinking by more than 2×
 * would skip input pixels.
 */

/** Interpolation taps of one axis: for each output index, the two input indices and the weight of the second. */
function taps(
  inSize: number,
  outSize: number,
): { lo: Int32Array; hi: Int32Array; t: Float32Array } {
  const [lo, hi, t] = [new Int32Array(outSize), new Int32Array(outSize), new Float32Array(outSize)];
  for (let o = 0; o < outSize; o++) {
    const at = Math.min(Math.max(((o + 0.5) * inSize) / outSize - 0.5, 0), inSize - 1);
    lo[o] = Math.floor(at);
    hi[o] = Math.min(lo[o] + 1, inSize - 1);
    t[o] = at - lo[o];
  }
  return { lo, hi, t };
}

/**
 * Resamples `[h, w, C]` row-major values to `[H, W, C]`.
 * @returns a new Float32Array of the interpolated values (same scale as the input).
 * @throws when the data's length is not h·w·C or a size is not a positive integer.
 */
export function enlargeBilinear(
  data: ArrayLike<number>,
  size: readonly [number, number],
  channels: number,
  output: readonly [number, number],
): Float32Array {
  const [h, w] = size;
  const [H, W] = output;
  if (![h, w, H, W, channels].every((n) => Number.isInteger(n) && n > 0)) {
    throw new Error(
      `enlargeBilinear: sizes and channels must be positive integers, got [${h}, ${w}] → [${H}, ${W}], ${channels} channels`,
    );
  }
  if (data.length !== h * w * channels)
    throw new Error(
      `enlargeBilinear: data holds ${data.length} values, expected ${h}·${w}·${channels} = ${h * w * channels}`,
    );
  const [ys, xs] = [taps(h, H), taps(w, W)];
  const out = new Float32Array(H * W * channels);
  for (let Y = 0; Y < H; Y++) {
    const [r0, r1, ty] = [ys.lo[Y] * w, ys.hi[Y] * w, ys.t[Y]];
    for (let X = 0; X < W; X++) {
      const [c0, c1, tx] = [xs.lo[X], xs.hi[X], xs.t[X]];
      for (let c = 0; c < channels; c++) {
        const top = data[(r0 + c0) * channels + c] * (1 - tx) + data[(r0 + c1) * channels + c] * tx;
        const bottom =
          data[(r1 + c0) * channels + c] * (1 - tx) + data[(r1 + c1) * channels + c] * tx;
        out[(Y * W + X) * channels + c] = top * (1 - ty) + bottom * ty;
      }
    }
  }
  return out;
}
