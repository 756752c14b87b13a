/**
 * Fingerprints of weights on disk: a results file records the fingerprint of
 * the model (and masker) it was made with, so that a re-run does not mistake
 * a result made with other weights for a finished one.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { UserError } from '../core/user-error';
import { readModelJson } from '../io/file-io-handler';

/** SHA-256 (16 hex digits) of the files' bytes, in order. */
export function hashFiles(files: readonly string[]): string {
  const hash = createHash('sha256');
  files.forEach((f) => hash.update(fs.readFileSync(f)));
  return hash.digest('hex').slice(0, 16);
}

/** SHA-256 (16 hex digits) of every file directly in `dir`, in name order (a saved masker's folder). */
export function hashFolder(dir: string): string {
  return hashFiles(
    fs
      .readdirSync(dir)
      .sort()
      .map((f) => path.join(dir, f))
      .filter((f) => fs.statSync(f).isFile()),
  );
}

/**
 * The fingerprint of a TF.js model: its `model.json` and every weight file
 * the manifest names, in manifest order; for an http(s) model, of its URL
 * (the kit does not download it twice to hash it).
 * @param modelJson the loaded model.json's path (`LoadedTfjsModel.location`) or URL.
 * @throws a UserError naming the file when model.json or a weight file is missing.
 */
export function modelFingerprint(modelJson: string): string {
  if (/^https?:\/\//i.test(modelJson))
    return createHash('sha256').update(modelJson).digest('hex').slice(0, 16);
  const json = readModelJson(modelJson);
  const weights = (json.weightsManifest ?? []).flatMap((group) =>
    group.paths.map((p) => path.join(path.dirname(modelJson), p)),
  );
  const missing = weights.find((f) => !fs.existsSync(f));
  if (missing !== undefined)
    throw new UserError(`weight file named in ${modelJson} not found: ${missing}`);
  return hashFiles([modelJson, ...weights]);
}
