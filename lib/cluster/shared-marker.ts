/**
 * The check that a results folder is shared with the cluster's nodes: before
 * submitting, `submit` writes a marker file holding a random token into the
 * results folder; every array task reads it before running anything and
 * exits with {@link MARKER_MISSING_EXIT_CODE} when it is missing or holds
 * another token (the node sees a different folder under the same path, or
 * none). The task then has written nothing, and `submit` names the problem.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** Exit code of an array task that could not see the marker (EX_CONFIG of sysexits.h). */
export const MARKER_MISSING_EXIT_CODE = 78;

/** A marker written into a results folder. */
export interface SharedMarker {
  /** Absolute path of the marker file. */
  file: string;
  /** What the file holds. */
  token: string;
}

/** Writes a fresh marker into `dir` (made when missing) and returns it. */
export function writeSharedMarker(dir: string): SharedMarker {
  const token = randomBytes(12).toString('hex');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.resolve(dir, `.slurm-shared-${token}`);
  fs.writeFileSync(file, `${token}\n`);
  return { file, token };
}

/** Deletes the marker (nothing when it is gone already). */
export function removeSharedMarker(marker: SharedMarker): void {
  fs.rmSync(marker.file, { force: true });
}
