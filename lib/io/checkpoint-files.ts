/**
 * The files of a training checkpoint folder, shared by black-box checkpoints
 * (checkpoint.ts) and masker checkpoints (masker/masker-checkpoint.ts):
 *
 *     <dir>/latest.json               → { "name": "ckpt-0000123" }   (renamed into place last)
 *     <dir>/ckpt-0000123/state.json   position, history, specs of the binary files
 *     <dir>/ckpt-0000123/*.bin        tensors (float32, int32), laid out as their specs say
 *
 * Writing: a checkpoint's folder is filled first and becomes visible only
 * when `latest.json` is renamed into place, so a kill at any moment leaves
 * the previous checkpoint readable; older folders are removed after the switch.
 *
 * Reading validates before decoding: `latest.json` must name an existing
 * folder, `state.json` must parse and hold the fields its reader lists, and a
 * binary file must be exactly as long as its specs describe. Anything else is
 * a {@link CorruptCheckpointError} that names the file and the way out.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { writeJsonAtomic } from './results';
import { UserError } from '../core/user-error';

/** A checkpoint file that cannot be read; the message names the file, the problem and the fix. */
export class CorruptCheckpointError extends UserError {
  /**
   * @param problem what is wrong, starting with the file's path.
   * @param dir the run's checkpoint folder (the one to delete to start over).
   */
  constructor(
    problem: string,
    readonly dir: string,
  ) {
    super(`${problem}: use --fresh to start over, or delete ${dir}`);
    this.name = 'CorruptCheckpointError';
  }
}

export const LATEST = 'latest.json';
export const STATE = 'state.json';

/** Folder name of the checkpoint taken after `step` steps. */
function checkpointName(step: number): string {
  return `ckpt-${String(step).padStart(7, '0')}`;
}

/**
 * Creates an empty folder in `dir` for the checkpoint taken after `step` steps
 * (replacing one left half-written by a killed run).
 * @returns its path, to fill and then pass to {@link publishCheckpoint}.
 */
export function newCheckpointFolder(dir: string, step: number): string {
  const folder = path.join(dir, checkpointName(step));
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  return folder;
}

/** Makes the complete `folder` the latest checkpoint of `dir`, then removes the older ones. */
export function publishCheckpoint(dir: string, folder: string): void {
  const name = path.basename(folder);
  writeJsonAtomic(path.join(dir, LATEST), { name });
  for (const entry of fs.readdirSync(dir)) {
    if (entry.startsWith('ckpt-') && entry !== name)
      fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
}

/**
 * Writes named tensors to `file` as one binary (tfjs's weight encoding).
 * @returns the specs that {@link readTensorsFile} needs, in order.
 */
export async function writeTensorsFile(
  file: string,
  tensors: { name: string; tensor: tf.Tensor }[],
): Promise<tf.io.WeightsManifestEntry[]> {
  const encoded = await tf.io.encodeWeights(tensors);
  fs.writeFileSync(file, new Uint8Array(tf.io.CompositeArrayBuffer.join(encoded.data)));
  return encoded.specs;
}

/**
 * The folder of the latest checkpoint in `dir`.
 * @returns undefined when `dir` holds no `latest.json` (no checkpoint yet).
 * @throws CorruptCheckpointError when `latest.json` is malformed or names a missing folder.
 */
export function latestCheckpointFolder(dir: string): string | undefined {
  const file = path.join(dir, LATEST);
  if (!fs.existsSync(file)) return undefined;
  const latest = parseJsonFile(file, dir) as { name?: unknown } | null;
  const name = latest?.name;
  if (typeof name !== 'string' || !/^ckpt-\d+$/.test(name)) {
    throw new CorruptCheckpointError(
      `${file} does not name a checkpoint folder (expected { "name": "ckpt-<step>" })`,
      dir,
    );
  }
  const folder = path.join(dir, name);
  if (!fs.existsSync(folder))
    throw new CorruptCheckpointError(
      `${file} names ${name}, but there is no folder ${folder}`,
      dir,
    );
  return folder;
}

/** What a field of `state.json` must hold. */
export type FieldKind = 'count' | 'number' | 'string' | 'object' | 'strings' | 'specs';

/**
 * Reads `<folder>/state.json` and checks that it holds `fields`.
 * @returns the parsed state, typed as the caller's state file.
 * @throws CorruptCheckpointError when it is missing, not JSON, or lacks a field or holds one of another kind.
 */
export function readStateFile<State>(
  folder: string,
  dir: string,
  fields: Readonly<Record<string, FieldKind>>,
): State {
  const file = path.join(folder, STATE);
  if (!fs.existsSync(file)) throw new CorruptCheckpointError(`${file} is missing`, dir);
  const state = parseJsonFile(file, dir);
  if (state === null || typeof state !== 'object' || Array.isArray(state))
    throw new CorruptCheckpointError(`${file} does not hold an object`, dir);
  for (const [field, kind] of Object.entries(fields)) {
    const value = (state as Record<string, unknown>)[field];
    if (!isKind(value, kind))
      throw new CorruptCheckpointError(
        `${file}: field "${field}" is ${JSON.stringify(value) ?? 'missing'}, expected ${KIND_WORDS[kind]}`,
        dir,
      );
  }
  return state as State;
}

/**
 * Reads a binary file written by {@link writeTensorsFile} and decodes it.
 * @param specs the specs recorded for it (checked by {@link readStateFile}).
 * @returns the tensors by name; the caller disposes them.
 * @throws CorruptCheckpointError when the file is missing or its length differs from the specs'.
 */
export function readTensorsFile(
  file: string,
  specs: readonly tf.io.WeightsManifestEntry[],
  dir: string,
): tf.NamedTensorMap {
  if (!fs.existsSync(file)) throw new CorruptCheckpointError(`${file} is missing`, dir);
  const bytes = fs.readFileSync(file);
  const expected = specs.reduce(
    (n, s) => n + s.shape.reduce((m, d) => m * d, 1) * BYTES_PER_ELEMENT[s.dtype as SavedDtype],
    0,
  );
  if (bytes.byteLength !== expected) {
    throw new CorruptCheckpointError(
      `${file} holds ${bytes.byteLength} bytes, its specs in ${STATE} describe ${expected}`,
      dir,
    );
  }
  return tf.io.decodeWeights(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    [...specs],
  );
}

/** Parses a JSON file; a parse error (e.g. a truncated file) becomes a CorruptCheckpointError. */
function parseJsonFile(file: string, dir: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CorruptCheckpointError(`${file} is not valid JSON (${(err as Error).message})`, dir);
  }
}

/** The dtypes checkpoints write, and their sizes. */
type SavedDtype = 'float32' | 'int32';
const BYTES_PER_ELEMENT: Readonly<Record<SavedDtype, number>> = { float32: 4, int32: 4 };

const KIND_WORDS: Readonly<Record<FieldKind, string>> = {
  count: 'a non-negative integer',
  number: 'a finite number',
  string: 'a string',
  object: 'an object',
  strings: 'a list of strings',
  specs: 'a list of tensor specs { name, shape, dtype: float32 | int32 }',
};

function isKind(value: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 'count':
      return Number.isInteger(value) && (value as number) >= 0;
    case 'number':
      return Number.isFinite(value);
    case 'string':
      return typeof value === 'string';
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'strings':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'specs':
      return Array.isArray(value) && value.every(isSpec);
  }
}

/** A spec this module can size: name, a shape of non-negative integers, a saved dtype, no quantization. */
function isSpec(spec: unknown): boolean {
  const s = spec as Partial<tf.io.WeightsManifestEntry> | null;
  return (
    s !== null &&
    typeof s === 'object' &&
    typeof s.name === 'string' &&
    Array.isArray(s.shape) &&
    s.shape.every((d) => Number.isInteger(d) && d >= 0) &&
    typeof s.dtype === 'string' &&
    s.dtype in BYTES_PER_ELEMENT &&
    s.quantization === undefined
  );
}
