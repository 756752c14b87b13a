/**
 * Reader for the IDX format of MNIST and Fashion-MNIST
 * (http://yann.lecun.com/exdb/mnist/): a 4-byte magic `0 0 type rank`, then
 * `rank` big-endian uint32 dimensions, then the values in row-major order,
 * big-endian. Files may be gzip-compressed; gzip is detected from its magic
 * bytes (`1f 8b`), not from the file name.
 */
import * as fs from 'fs';
import * as zlib from 'zlib';
import { UserError } from '../core/user-error';

/** The value types IDX can hold, by their type byte. */
export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The typed array each {@link IdxType} is returned as. */
export type IdxData =
  Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A decoded IDX file. */
export interface IdxArray {
  /** Value type from the header. */
  type: IdxType;
  /** Dimensions from the header, e.g. `[60000, 28, 28]` for an image file. */
  dims: number[];
  /** All values, row-major, `dims` multiplied out; host-endian (already converted). */
  data: IdxData;
}

/** Options of {@link readIdx}. */
export interface ReadIdxOptions {
  /**
   * Extra advice appended to the error when the file does not exist.
   * Default: {@link DEFAULT_IDX_MISSING_HINT} (how to install Fashion-MNIST on Debian).
   */
  missingHint?: string;
}

/** Advice given when an IDX file is missing: the kit's IDX files come from this Debian package. */
export const DEFAULT_IDX_MISSING_HINT =
  'Fashion-MNIST comes from the Debian package dataset-fashion-mnist: install it with ' +
  '`sudo apt-get install dataset-fashion-mnist` (or run `npm run setup`), ' +
  'or point FASHION_MNIST_DIR at a folder holding the IDX files.';

const TYPES: Record<number, { type: IdxType; bytes: number }> = {
  0x08: { type: 'uint8', bytes: 1 },
  0x09: { type: 'int8', bytes: 1 },
  0x0b: { type: 'int16', bytes: 2 },
  0x0c: { type: 'int32', bytes: 4 },
  0x0d: { type: 'float32', bytes: 4 },
  0x0e: { type: 'float64', bytes: 8 },
};

/**
 * Decodes IDX bytes already in memory (gzip or plain).
 * @param bytes the file's contents.
 * @param name the file name, used in error messages only.
 * @throws naming `name` on bad gzip data, a bad magic number, or a byte count
 *   that does not match the header (expected vs actual).
 */
export function decodeIdx(bytes: Uint8Array, name: string): IdxArray {
  let raw = bytes;
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      raw = zlib.gunzipSync(raw);
    } catch (e) {
      throw new Error(`${name}: corrupt or truncated gzip data (${(e as Error).message})`, {
        cause: e,
      });
    }
  }
  if (raw.length < 4) {
    throw new Error(
      `${name}: not an IDX file: ${raw.length} bytes, the header alone needs at least 4`,
    );
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const typeInfo = TYPES[raw[2]];
  if (raw[0] !== 0 || raw[1] !== 0 || typeInfo === undefined || raw[3] === 0) {
    const magic = Array.from(raw.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new Error(
      `${name}: bad IDX magic number ${magic}: expected 00 00 <type 08|09|0b|0c|0d|0e> <rank ≥ 1>`,
    );
  }
  const rank = raw[3];
  const headerBytes = 4 + 4 * rank;
  if (raw.length < headerBytes) {
    throw new Error(
      `${name}: truncated IDX header: expected ${headerBytes} bytes for rank ${rank}, got ${raw.length}`,
    );
  }
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * typeInfo.bytes;
  if (raw.length !== expected) {
    throw new Error(
      `${name}: ${raw.length < expected ? 'truncated' : 'overlong'} IDX file: header [${dims.join(', ')}] ` +
        `of ${typeInfo.type} needs ${expected} bytes (decompressed), got ${raw.length}`,
    );
  }
  return { type: typeInfo.type, dims, data: readValues(view, headerBytes, count, typeInfo.type) };
}

/** Copies `count` big-endian values of `type` starting at byte `offset`. */
function readValues(view: DataView, offset: number, count: number, type: IdxType): IdxData {
  switch (type) {
    case 'uint8':
      return new Uint8Array(
        view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count),
      );
    case 'int8':
      return new Int8Array(
        view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count),
      );
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

/**
 * Reads an IDX file (gzip or plain) from disk.
 * @throws if the file is missing (the message names it and adds `missingHint`),
 *   or for any problem listed under {@link decodeIdx}.
 */
export function readIdx(file: string, options: ReadIdxOptions = {}): IdxArray {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') {
      throw new UserError(
        `IDX file not found: ${file}. ${options.missingHint ?? DEFAULT_IDX_MISSING_HINT}`,
      );
    }
    throw new UserError(`cannot read IDX file ${file}: ${err.message}`);
  }
  return decodeIdx(bytes, file);
}
