/**
 * Damaged copies of a checkpoint folder, for the tests of the errors that
 * checkpoint loaders give for corrupt files.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { CorruptCheckpointError } from '../../lib/io/checkpoint-files';

/**
 * Copies the checkpoint folder `source` to `<source>-<label>` and lets
 * `damage` change the copy.
 * @param damage gets the copy and the folder of its latest checkpoint.
 * @returns the copy's path.
 */
export function damagedCopy(
  source: string,
  label: string,
  damage: (dir: string, latest: string) => void,
): string {
  const dir = `${source}-${label}`;
  fs.cpSync(source, dir, { recursive: true });
  const { name } = JSON.parse(fs.readFileSync(path.join(dir, 'latest.json'), 'utf8')) as {
    name: string;
  };
  damage(dir, path.join(dir, name));
  return dir;
}

/** Cuts `file` down to its first `bytes` bytes (as a run killed mid-write or a full disk leaves it). */
export function truncate(file: string, bytes: number): void {
  fs.writeFileSync(file, fs.readFileSync(file).subarray(0, bytes));
}

/**
 * Expects `load` to fail with a CorruptCheckpointError whose message names
 * `file`, matches `problem`, and tells to use --fresh or delete `dir`.
 */
export async function expectCorrupt(
  load: () => Promise<unknown>,
  file: string,
  problem: RegExp,
  dir: string,
): Promise<void> {
  const error = await load().then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error, `loading a checkpoint with a damaged ${path.basename(file)}`).to.be.instanceOf(
    CorruptCheckpointError,
  );
  const message = (error as Error).message;
  expect(message).to.include(file);
  expect(message).to.match(problem);
  expect(message).to.include(`use --fresh to start over, or delete ${dir}`);
}
