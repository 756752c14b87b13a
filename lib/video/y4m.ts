/**
 * YUV4MPEG2 (`.y4m`) video files: uncompressed frames behind a one-line text
 * header, the format Chromium's fake camera plays
 * (`--use-file-for-fake-video-capture=clip.y4m`). The kit writes its
 * generated clips in it and the browser page reads them back, so both sides
 * see the same pixels without a video codec.
 *
 * Frames are 4:2:0 (`C420jpeg`: one chroma sample per 2×2 block), 8-bit
 * BT.601 studio range (Y in 16..235, U and V in 16..240), the colour
 * convention Chromium applies to captured I420 frames. Written with
 * `scale` 2, each pixel becomes a 2×2 block, so the 4:2:0 chroma keeps one
 * sample per source pixel and {@link readY4m} at that scale gives the source
 * colours back up to 8-bit rounding.
 *
 * Pure TypeScript without Node or DOM imports: the page bundles it.
 */

/** An RGB clip in memory. */
export interface RgbClip {
  width: number;
  height: number;
  /** Frames per second. */
  fps: number;
  /** One `[height, width, 3]` row-major RGB array per frame, values 0..255. */
  frames: Uint8ClampedArray[];
}

const MAGIC = 'YUV4MPEG2';
const FRAME = 'FRAME';

/** BT.601 luma weights. */
const KR = 0.299;
const KB = 0.114;
const KG = 1 - KR - KB;

function clampByte(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

/** Studio-range Y, U, V bytes of an RGB colour in [0, 1]. */
function rgbToYuv(r: number, g: number, b: number): [number, number, number] {
  const y = KR * r + KG * g + KB * b;
  const cb = (b - y) / (2 * (1 - KB));
  const cr = (r - y) / (2 * (1 - KR));
  return [clampByte(16 + 219 * y), clampByte(128 + 224 * cb), clampByte(128 + 224 * cr)];
}

/**
 * Encodes RGB frames as a `.y4m` file.
 * @param frames one `[height, width, 3]` row-major array per frame, values in [0, 1].
 * @param scale each pixel is written as a `scale`×`scale` block (1 or more); the
 *   file is `scale·width` × `scale·height`, both of which must be even (4:2:0).
 * @returns the file's bytes.
 * @throws naming the frame whose length does not fit, or a size that is not even.
 */
export function writeY4m(
  frames: readonly Float32Array[],
  width: number,
  height: number,
  fps: number,
  scale = 1,
): Uint8Array {
  if (!Number.isInteger(scale) || scale < 1)
    throw new Error(`writeY4m: scale must be an integer >= 1, got ${scale}`);
  if (!Number.isInteger(fps) || fps < 1)
    throw new Error(`writeY4m: fps must be an integer >= 1, got ${fps}`);
  const w = width * scale;
  const h = height * scale;
  if (w % 2 || h % 2) throw new Error(`writeY4m: a 4:2:0 frame needs an even size, got ${w}×${h}`);
  const header = new TextEncoder().encode(`${MAGIC} W${w} H${h} F${fps}:1 Ip A1:1 C420jpeg\n`);
  const frameHeader = new TextEncoder().encode(`${FRAME}\n`);
  const lumaSize = w * h;
  const chromaSize = (w / 2) * (h / 2);
  const frameBytes = frameHeader.length + lumaSize + 2 * chromaSize;
  const out = new Uint8Array(header.length + frames.length * frameBytes);
  out.set(header, 0);
  frames.forEach((rgb, f) => {
    if (rgb.length !== width * height * 3)
      throw new Error(
        `writeY4m: frame ${f} holds ${rgb.length} values, expected ${width}×${height}×3`,
      );
    const base = header.length + f * frameBytes;
    out.set(frameHeader, base);
    const luma = base + frameHeader.length;
    const u = luma + lumaSize;
    const v = u + chromaSize;
    // Chroma sums per 2×2 output block, averaged below.
    const uSum = new Float32Array(chromaSize);
    const vSum = new Float32Array(chromaSize);
    for (let y = 0; y < h; y++) {
      const sy = Math.floor(y / scale);
      for (let x = 0; x < w; x++) {
        const p = (sy * width + Math.floor(x / scale)) * 3;
        const [yy, uu, vv] = rgbToYuv(rgb[p], rgb[p + 1], rgb[p + 2]);
        out[luma + y * w + x] = yy;
        const c = (y >> 1) * (w / 2) + (x >> 1);
        uSum[c] += uu;
        vSum[c] += vv;
      }
    }
    for (let c = 0; c < chromaSize; c++) {
      out[u + c] = clampByte(uSum[c] / 4);
      out[v + c] = clampByte(vSum[c] / 4);
    }
  });
  return out;
}

/** Parses the header's `W`, `H`, `F` and `C` tags; throws naming what is wrong. */
function parseHeader(line: string): { width: number; height: number; fps: number } {
  const tags = line.split(' ');
  if (tags[0] !== MAGIC) throw new Error(`not a YUV4MPEG2 file: it starts with "${tags[0]}"`);
  let width = 0;
  let height = 0;
  let fps = 0;
  for (const tag of tags.slice(1)) {
    const value = tag.slice(1);
    if (tag[0] === 'W') width = Number(value);
    else if (tag[0] === 'H') height = Number(value);
    else if (tag[0] === 'F') {
      const [num, den] = value.split(':').map(Number);
      fps = num / den;
    } else if (tag[0] === 'C' && !value.startsWith('420'))
      throw new Error(`YUV4MPEG2 colour space C${value} is not supported (only 4:2:0)`);
  }
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0))
    throw new Error(`YUV4MPEG2 header "${line}" has no valid W and H`);
  if (width % 2 || height % 2)
    throw new Error(`YUV4MPEG2 4:2:0 frames need an even size, got ${width}×${height}`);
  return { width, height, fps: Number.isFinite(fps) && fps > 0 ? fps : 25 };
}

/** Index of the next newline at or after `from`, or throws naming what was being read. */
function lineEnd(bytes: Uint8Array, from: number, what: string): number {
  const end = bytes.indexOf(10, from);
  if (end < 0) throw new Error(`YUV4MPEG2 file ends inside the ${what}`);
  return end;
}

/**
 * Decodes a `.y4m` file to RGB frames.
 * @param bytes the whole file.
 * @param scale keep every `scale`-th pixel in each direction (the `scale` the
 *   file was written with gives the source frames back); default 1.
 * @throws naming the cause: not a YUV4MPEG2 file, a colour space other than
 *   4:2:0, a truncated frame.
 */
export function readY4m(bytes: Uint8Array, scale = 1): RgbClip {
  const headerEnd = lineEnd(bytes, 0, 'header');
  const header = new TextDecoder().decode(bytes.subarray(0, headerEnd));
  const { width: w, height: h, fps } = parseHeader(header);
  if (!Number.isInteger(scale) || scale < 1 || w % scale || h % scale)
    throw new Error(`readY4m: scale ${scale} does not divide the frame size ${w}×${h}`);
  const width = w / scale;
  const height = h / scale;
  const lumaSize = w * h;
  const chromaSize = (w / 2) * (h / 2);
  const frames: Uint8ClampedArray[] = [];
  let at = headerEnd + 1;
  while (at < bytes.length) {
    const end = lineEnd(bytes, at, `header of frame ${frames.length}`);
    const tag = new TextDecoder().decode(bytes.subarray(at, Math.min(end, at + FRAME.length)));
    if (tag !== FRAME)
      throw new Error(`YUV4MPEG2 frame ${frames.length} does not start with FRAME`);
    const luma = end + 1;
    const u = luma + lumaSize;
    const v = u + chromaSize;
    if (v + chromaSize > bytes.length)
      throw new Error(`YUV4MPEG2 frame ${frames.length} is truncated`);
    const rgb = new Uint8ClampedArray(width * height * 3);
    for (let y = 0; y < height; y++) {
      const sy = y * scale;
      for (let x = 0; x < width; x++) {
        const sx = x * scale;
        const c = (sy >> 1) * (w / 2) + (sx >> 1);
        const yy = (bytes[luma + sy * w + sx] - 16) / 219;
        const cb = (bytes[u + c] - 128) / 224;
        const cr = (bytes[v + c] - 128) / 224;
        const p = (y * width + x) * 3;
        rgb[p] = 255 * (yy + 2 * (1 - KR) * cr);
        rgb[p + 1] = 255 * (yy - ((2 * (1 - KB) * KB) / KG) * cb - ((2 * (1 - KR) * KR) / KG) * cr);
        rgb[p + 2] = 255 * (yy + 2 * (1 - KB) * cb);
      }
    }
    frames.push(rgb);
    at = v + chromaSize;
  }
  return { width, height, fps, frames };
}
