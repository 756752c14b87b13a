/**
 * Running an iterative-mask ablation sweep (Dabkowski & Gal 2017: the
 * alternative image A and the weights λ1, λ2) from a program or a notebook:
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
import { expandGrid, settingId } from '../evaluation/ablation';
import { AblationRow, readAblationStudy } from '../evaluation/ablation-results';

/** An iterative-mask sweep over A × λ1 × λ2, with λ3 and λ4 at `CALIBRATED_LAMBDAS`. */
export interface AblationSweepSpec {
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
  /** Optimisation steps per image. */
  iterations: number;
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

/** The command-line arguments of `experiments/paper/ablate.ts` for a sweep. */
export function ablateArgs(spec: AblationSweepSpec): string[] {
  return [
    '--study',
    spec.study,
    '--out',
    spec.out,
    '--method',
    'iterative-mask',
    '--black-box',
    spec.blackBox,
    '--alternatives',
    spec.alternatives.join(','),
    '--tv',
    spec.tv.join(','),
    '--area',
    spec.area.join(','),
    '--destroy',
    String(CALIBRATED_LAMBDAS.destroy),
    '--power',
    String(CALIBRATED_LAMBDAS.destroyPower),
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
  const settings = expandGrid({
    alternatives: spec.alternatives,
    tv: spec.tv,
    area: spec.area,
    destroy: [CALIBRATED_LAMBDAS.destroy],
    destroyPower: [CALIBRATED_LAMBDAS.destroyPower],
    // Not part of an iterative-mask setting's id.
    fakeClassProbability: [0],
  });
  return settings.map((s) => settingId(s, 'iterative-mask'));
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
