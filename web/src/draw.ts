/**
 * Drawing one explained frame: the frame (its central region, as the models
 * see it), the mask as a colour overlay (the kit's mask colour scale,
 * lib/plot/image-grid.ts), the salient box (red) and, for the generated
 * clip, the true box (green, dashed).
 */
import type { Box } from '../../lib/data/box';
import { colourScale } from '../../lib/plot/colour-scale';
import { MASK_COLOR_SCALE } from '../../lib/plot/image-grid';
import { inputRegion } from '../../lib/video/frame-input';

/** RGBA bytes of 256 mask levels. */
const LUT: Uint8ClampedArray = (() => {
  const scale = colourScale(MASK_COLOR_SCALE);
  const lut = new Uint8ClampedArray(256 * 4);
  for (let i = 0; i < 256; i++) {
    const [r, g, b, a] = scale(i / 255);
    lut.set([r, g, b, a * 255], i * 4);
  }
  return lut;
})();

/**
 * 2D contexts drawn on the CPU: the canvases are small, and a GPU-backed
 * canvas costs a round trip to the compositor per frame (tens of ms on a
 * software GPU such as SwiftShader).
 */
function context(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  return canvas.getContext('2d', { willReadFrequently: true })!;
}

/** Scratch canvases: the frame at its own size, and the mask at the model's input size. */
const frameCanvas = document.createElement('canvas');
const maskCanvas = document.createElement('canvas');

/** Draws the region of `pixels` the models see over the whole of `ctx`'s canvas. */
function drawFrame(
  ctx: CanvasRenderingContext2D,
  pixels: ImageData | HTMLVideoElement,
  inputSize: readonly [number, number],
): void {
  let source: CanvasImageSource = pixels as HTMLVideoElement;
  if (pixels instanceof ImageData) {
    if (frameCanvas.width !== pixels.width || frameCanvas.height !== pixels.height)
      [frameCanvas.width, frameCanvas.height] = [pixels.width, pixels.height];
    context(frameCanvas).putImageData(pixels, 0, 0);
    source = frameCanvas;
  }
  const [w, h] =
    pixels instanceof ImageData
      ? [pixels.width, pixels.height]
      : [pixels.videoWidth, pixels.videoHeight];
  const r = inputRegion(w, h, inputSize);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(source, r.x, r.y, r.width, r.height, 0, 0, ctx.canvas.width, ctx.canvas.height);
}

/** Draws a mask (`H × W` row-major, values in [0, 1]) as a colour overlay. */
function drawMask(
  ctx: CanvasRenderingContext2D,
  mask: Float32Array,
  [h, w]: readonly [number, number],
): void {
  if (maskCanvas.width !== w || maskCanvas.height !== h)
    [maskCanvas.width, maskCanvas.height] = [w, h];
  const image = new ImageData(w, h);
  for (let p = 0; p < mask.length; p++) {
    const level = Math.max(0, Math.min(255, Math.round(mask[p] * 255))) * 4;
    image.data.set(LUT.subarray(level, level + 4), p * 4);
  }
  context(maskCanvas).putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(maskCanvas, 0, 0, ctx.canvas.width, ctx.canvas.height);
}

/** Outlines a box given in the model input's pixels. */
function drawBox(
  ctx: CanvasRenderingContext2D,
  box: Box,
  [h, w]: readonly [number, number],
  colour: string,
  dashed: boolean,
): void {
  const kx = ctx.canvas.width / w;
  const ky = ctx.canvas.height / h;
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.lineWidth = Math.max(2, ctx.canvas.width / 150);
  ctx.setLineDash(dashed ? [6, 4] : []);
  ctx.strokeRect(box.x0 * kx, box.y0 * ky, (box.x1 - box.x0) * kx, (box.y1 - box.y0) * ky);
  ctx.restore();
}

/** One view: frame, mask overlay, salient box and true boxes. */
export function drawExplained(
  canvas: HTMLCanvasElement,
  pixels: ImageData | HTMLVideoElement,
  mask: Float32Array,
  inputSize: readonly [number, number],
  salientBox: Box | null,
  trueBoxes: readonly Box[],
): void {
  const ctx = context(canvas);
  drawFrame(ctx, pixels, inputSize);
  drawMask(ctx, mask, inputSize);
  trueBoxes.forEach((box) => drawBox(ctx, box, inputSize, '#32cd32', true));
  if (salientBox) drawBox(ctx, salientBox, inputSize, '#ff1e1e', false);
}
