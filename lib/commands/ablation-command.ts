/**
 * Running an ablation sweep (Dabkowski & Gal 2017: the alternative image A,
 * the weights λ1..λ4 and, for trained maskers, the fake-class probability)
 * from a program or a notebook:
 * the sweep's values become the flags of `experiments/paper/ablate.ts`, which runs
 * as a child process exactly as a user would type it (so its results files
 * are the command's, resumable and skipped when finished), and the sweep's
 * rows are read back from its study folder.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { AlternativeKind } from '../paper/evidence';
import type { ArchitectureName } from '../classifiers/architecture';
import { CALIBRATED_LAMBDAS } from '../paper/objective';
import { assertAllSucceeded, runInParallel } from './parallel';
import { AblationGrid, AblationMethod, expandGrid, settingId } from '../evaluation/ablation';
import { DEFAULT_TRAIN_MASKER_CONFIG } from '../masker/train-masker';
import { AblationRow, readAblationStudy } from '../evaluation/ablation-results';

/** A sweep over A × λ1 × λ2 × λ3 × λ4 (× the fake-class probability for maskers). */
export interface AblationSweepSpec {
  /** Iterative masks per image, or one masker trained per setting; default iterative masks. */
  method?: AblationMethod;
  /** Study name: results go to `<out>/<study>/<setting id>.json`. */
  study: string;
  /** Results folder (e.g. `DEFAULT_ABLATIONS_DIR` of `ablation-results.ts`, or a temporary folder). */
  out: string;
  /** The black box explained. */
  blackBox: ArchitectureName;
  /** Values of A. */
  alternatives: readonly AlternativeKind[];
  /** Values of λ1 (TV). */
  tv: readonly number[];
  /** Values of λ2 (area). */
  area: readonly number[];
  /** Values of λ3 (destroyer weight); default `CALIBRATED_LAMBDAS.destroy`. */
  destroy?: readonly number[];
  /** Values of λ4 (destroyer power); default `CALIBRATED_LAMBDAS.destroyPower`. */
  destroyPower?: readonly number[];
  /** Values of the fake-class probability (maskers only); default the masker training default. */
  fakeClassProbability?: readonly number[];
  /** Optimisation steps per image (iterative masks). */
  iterations: number;
  /** Training steps per masker (maskers only); default the command's. */
  steps?: number;
  /** Single-item test images scored. */
  images: number;
  /** Held-out training images for tuning the localisation threshold α. */
  tuneImages: number;
  /** Two-item test images (class selectivity). */
  pairs: number;
  /** Settings run in parallel processes. */
  jobs: number;
}

/** The path of `experiments/paper/ablate.ts`, resolved through links (notebooks import lib/ through `notebooks/lib`). */
export function ablateScript(): string {
  return path.resolve(fs.realpathSync(__dirname), '..', '..', 'experiments', 'paper', 'ablate.ts');
}

/** λ3, λ4 and the fake-class probability of a sweep, defaults filled in. */
function sweepGrid(spec: AblationSweepSpec): AblationGrid {
  return {
    alternatives: spec.alternatives,
    tv: spec.tv,
    area: spec.area,
    destroy: spec.destroy ?? [CALIBRATED_LAMBDAS.destroy],
    destroyPower: spec.destroyPower ?? [CALIBRATED_LAMBDAS.destroyPower],
    fakeClassProbability: spec.fakeClassProbability ?? [
      DEFAULT_TRAIN_MASKER_CONFIG.fakeClassProbability,
    ],
  };
}

/** The command-line arguments of `experiments/paper/ablate.ts` for a sweep. */
export function ablateArgs(spec: AblationSweepSpec): string[] {
  const grid = sweepGrid(spec);
  const method = spec.method ?? 'iterative-mask';
  const masker =
    method === 'masker'
      ? [
          '--fake-prob',
          grid.fakeClassProbability.join(','),
          ...(spec.steps === undefined ? [] : ['--steps', String(spec.steps)]),
        ]
      : [];
  return [
    '--study',
    spec.study,
    '--out',
    spec.out,
    '--method',
    method,
    '--black-box',
    spec.blackBox,
    '--alternatives',
    grid.alternatives.join(','),
    '--tv',
    grid.tv.join(','),
    '--area',
    grid.area.join(','),
    '--destroy',
    grid.destroy.join(','),
    '--power',
    grid.destroyPower.join(','),
    ...masker,
    '--iterations',
    String(spec.iterations),
    '--images',
    String(spec.images),
    '--tune-images',
    String(spec.tuneImages),
    '--pairs',
    String(spec.pairs),
    '--jobs',
    String(spec.jobs),
  ];
}

/** The ids of the sweep's settings, i.e. the names of its results files (`ablation.ts` settingId). */
export function sweepSettingIds(spec: AblationSweepSpec): string[] {
  return expandGrid(sweepGrid(spec)).map((s) => settingId(s, spec.method ?? 'iterative-mask'));
}

/**
 * Runs the sweep (the command's output passed through, prefixed `[ablate]`)
 * and reads its settings back; other settings in the same study folder
 * (earlier sweeps) are left out.
 * @returns one row per setting, in `readAblationStudy`'s order.
 * @throws when the command fails (its own message is in the output above) or a setting's file is missing after it.
 */
export async function runAblationSweep(spec: AblationSweepSpec): Promise<AblationRow[]> {
  assertAllSucceeded(
    await runInParallel([{ label: 'ablate', script: ablateScript(), args: ablateArgs(spec) }], 1),
  );
  const ids = new Set(sweepSettingIds(spec));
  const rows = readAblationStudy(path.join(spec.out, spec.study)).filter((r) =>
    ids.has(r.setting.id),
  );
  const missing = [...ids].filter((id) => !rows.some((r) => r.setting.id === id));
  if (missing.length)
    throw new Error(
      `experiments/paper/ablate.ts finished but wrote no results for ${missing.join(', ')} in ${path.join(spec.out, spec.study)}`,
    );
  return rows;
}
