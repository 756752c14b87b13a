/**
 * Ground-truth boxes as the data sets hand them out: pixel coordinates with
 * the origin at the top-left corner, `x` to the right, `y` down, lower edges
 * inclusive and upper edges exclusive, so the box covers columns `x0..x1-1`
 * and rows `y0..y1-1`, and its area is `(x1 - x0) * (y1 - y0)`.
 */

/** An axis-aligned box `{x0, y0, x1, y1}` in pixels, `x1`/`y1` exclusive. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * The tightest box around the non-zero pixels of a mask.
 * @param mask `[H, W]` row-major; a pixel belongs to the region when its value is non-zero.
 * @returns the box, or `null` when the mask is empty.
 * @throws if `mask.length !== height * width`.
 */
export function tightBox(mask: ArrayLike<number>, height: number, width: number): Box | null {
  if (mask.length !== height * width) {
    throw new Error(
      `mask has ${mask.length} values, expected height*width = ${height}*${width} = ${height * width}`,
    );
  }
  let x0 = width;
  let y0 = height;
  let x1 = 0;
  let y1 = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (mask[row + x] !== 0) {
        if (x < x0) x0 = x;
        if (x >= x1) x1 = x + 1;
        if (y < y0) y0 = y;
        y1 = y + 1;
      }
    }
  }
  return x1 === 0 ? null : { x0, y0, x1, y1 };
}

/** True when two boxes share at least one pixel. */
export function boxesOverlap(a: Box, b: Box): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/**
 * Boxes in the coordinates of `tf.image.cropAndResize`: `[y0, x0, y1, x1]` per
 * box, flattened, in units of (size − 1) between the centres of the box's
 * first and last pixel rows and columns.
 * @param height image height in pixels; `width` likewise.
 */
export function cropAndResizeBoxes(boxes: readonly Box[], height: number, width: number): number[] {
  const norm = (v: number, n: number) => (n > 1 ? v / (n - 1) : 0);
  return boxes.flatMap((b) => [
    norm(b.y0, height),
    norm(b.x0, width),
    norm(b.y1 - 1, height),
    norm(b.x1 - 1, width),
  ]);
}
