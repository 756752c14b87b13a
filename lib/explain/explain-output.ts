/**
 * The output folder of `explain` (experiments/tools/explain.ts):
 *
 *     <out>/explain.json                  every image's scores, the skipped files, the config, engine and run metadata
 *     <out>/sheets/<path of the image>.png one contact sheet per image (lib/explain/explanation-sheet.ts)
 *
 * The sheet's path mirrors the image's path under the folder the images
 * share (`Trouser/a.jpg` → `sheets/Trouser/a.jpg.png`), so images of the same
 * name in different class folders do not collide. `explain.json` is
 * rewritten (atomically) after every image, with the hash of the
 * configuration; a re-run with the same configuration keeps the images whose
 * record and sheet are there.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { SkippedImage } from '../data/image-folder';
import type { AnnotatedBox } from '../data/voc-annotation';
import { readJson, RunMetadata } from '../io/results';
import type { ClassExplanation, ImageExplanation } from './explain-image';

/** The results file's name in the output folder. */
export const EXPLAIN_RESULTS_FILE = 'explain.json';
/** The sheets' folder in the output folder. */
export const SHEETS_FOLDER = 'sheets';

/** One explained image in the results file. */
export interface ExplainedImageRecord {
  /** The image's path as listed. */
  file: string;
  /** Its contact sheet, relative to the output folder. */
  sheet: string;
  /** Its true class when the images are labelled (class folders, a labels CSV); else null. */
  label: { index: number; name: string } | null;
  /** Its ground-truth boxes in pixels of the model's input (VOC annotations); empty without one. */
  boxes: AnnotatedBox[];
  predictions: ImageExplanation['predictions'];
  classes: ClassExplanation[];
}

/** The results file. */
export interface ExplainResults {
  /** Hash of everything that decides the numbers (model weights and declarations, methods and options, class choice, masker). */
  configHash: string;
  /** The model as loaded, the configuration, engine: what the command was asked and ran on. */
  model: object;
  config: object;
  engine: { engine: string; backend: string };
  images: ExplainedImageRecord[];
  /** Files the decoder rejected (`--on-bad-image skip`), with its reason. */
  skipped: SkippedImage[];
  /** Warnings given while listing the images; notes about methods left out. */
  warnings: string[];
  run: RunMetadata;
}

/** The folder every image of `files` lies in (their deepest common folder). */
export function sharedFolder(files: readonly string[]): string {
  if (files.length === 0) return '.';
  const split = files.map((f) => path.dirname(path.resolve(f)).split(path.sep));
  const common: string[] = [];
  for (let i = 0; split.every((parts) => i < parts.length && parts[i] === split[0][i]); i++)
    common.push(split[0][i]);
  return common.join(path.sep) || path.sep;
}

/** The sheet of `file`, relative to the output folder: `sheets/<its path under base>.png`. */
export function sheetPath(file: string, base: string): string {
  return path.join(SHEETS_FOLDER, `${path.relative(base, path.resolve(file))}.png`);
}

/**
 * The images a previous run in `outDir` finished with the same configuration:
 * those with a record in its results file and a sheet on disk.
 * @returns the records by file; empty when there is no results file, or when
 *   it was made with another configuration (`stale` true then).
 * @throws a UserError naming the results file when it is not valid JSON.
 */
export function finishedImages(
  outDir: string,
  configHash: string,
): { records: Map<string, ExplainedImageRecord>; stale: boolean } {
  const previous = readJson<Partial<ExplainResults>>(
    path.join(outDir, EXPLAIN_RESULTS_FILE),
    'delete it, or re-run with --force',
  );
  if (previous === undefined) return { records: new Map(), stale: false };
  if (previous.configHash !== configHash) return { records: new Map(), stale: true };
  const done = (previous.images ?? []).filter((r) => fs.existsSync(path.join(outDir, r.sheet)));
  return { records: new Map(done.map((r) => [r.file, r])), stale: false };
}
