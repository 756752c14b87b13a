/**
 * Images as plain arrays for the figure builders: a {@link Raster} is what a
 * tensor's `data()` gives for one image, with its shape beside it, so the
 * builders stay free of tfjs and of I/O.
 */

/** One image, row-major `[H, W, C]` values in [0, 1] (a mask is a raster with one channel). */
export interface Raster {
  data: ArrayLike<number>;
  height: number;
  width: number;
  channels: number;
}

/**
 * Splits a batch buffer (what `tensor.dataSync()` returns for `[B, H, W, C]`) into one raster per image.
 * @param shape `[B, H, W, C]`.
 * @throws when the buffer length is not `B·H·W·C`.
 */
export function batchRasters(
  data: ArrayLike<number>,
  shape: readonly [number, number, number, number],
): Raster[] {
  const [b, height, width, channels] = shape;
  const size = height * width * channels;
  if (data.length !== b * size) {
    throw new Error(
      `batch buffer holds ${data.length} values, expected ${b}·${height}·${width}·${channels} = ${b * size} for shape [${shape.join(', ')}]`,
    );
  }
  return Array.from({ length: b }, (_, i) => ({
    data: Array.prototype.slice.call(data, i * size, (i + 1) * size) as number[],
    height,
    width,
    channels,
  }));
}

/**
 * The rows of an image trace: `z[row][col] = [r, g, b]` in 0..255 (rounded,
 * clipped). One channel is drawn as grey; of more than three, the first three are used.
 */
export function rgbRows(raster: Raster): number[][][] {
  checkRaster(raster, 'image');
  const { data, height, width, channels } = raster;
  const byte = (v: number) => Math.round(255 * Math.min(1, Math.max(0, v)));
  return Array.from({ length: height }, (_, y) =>
    Array.from({ length: width }, (_, x) => {
      const at = (y * width + x) * channels;
      return channels < 3
        ? [byte(data[at]), byte(data[at]), byte(data[at])]
        : [byte(data[at]), byte(data[at + 1]), byte(data[at + 2])];
    }),
  );
}

/**
 * The rows of a heat map from channel 0 of a raster, each value rounded to
 * `decimals` places (keeps figure JSON small).
 */
export function valueRows(raster: Raster, decimals = 3): number[][] {
  checkRaster(raster, 'mask');
  const { data, height, width, channels } = raster;
  const scale = 10 ** decimals;
  return Array.from({ length: height }, (_, y) =>
    Array.from(
      { length: width },
      (_, x) => Math.round(data[(y * width + x) * channels] * scale) / scale,
    ),
  );
}

/** Throws naming `what` when the raster's buffer does not match its shape. */
export function checkRaster(raster: Raster, what: string): void {
  const { data, height, width, channels } = raster;
  if (data.length !== height * width * channels) {
    throw new Error(
      `${what} raster holds ${data.length} values, expected ${height}·${width}·${channels} = ${height * width * channels}`,
    );
  }
}
