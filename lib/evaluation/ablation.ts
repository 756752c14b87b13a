/**
 * Ablation sweeps of Dabkowski & Gal (2017), "Real Time Image Saliency for
 * Black Box Classifiers": the choice of alternative image A (§4: blur only,
 * colour + noise only, a constant, or the paper's random mix) and the
 * weights λ1..λ4 of the objective L, plus the fake-class probability of
 * masker training. A sweep is the Cartesian product of a grid; each setting
 * gets an id that names its results file, so a sweep can be split into shards
 * (one per machine or array task) and resumed setting by setting.
 *
 * Each setting is scored by the kit's evaluation (`evaluate-pair.ts`) with
 * one of two methods: `iterative-mask` (masks optimised per image with the
 * setting's objective; cheap, no training) or `masker` (a masking model
 * trained with the setting, then evaluated).
 */
import type { AlternativeKind } from '../paper/evidence';
import type { ObjectiveLambdas } from '../paper/objective';
import type { TrainMaskerConfig } from '../masker/train-masker';
import type { MethodOptions } from '../methods/registry';

/** How a setting is turned into masks. */
export type AblationMethod = 'iterative-mask' | 'masker';

/** The methods of {@link AblationMethod}. */
export const ABLATION_METHODS: readonly AblationMethod[] = ['iterative-mask', 'masker'];

/** One point of a sweep. */
export interface AblationSetting {
  alternative: AlternativeKind;
  lambdas: ObjectiveLambdas;
  /** Probability of a fake class per training image (masker training only). */
  fakeClassProbability: number;
}

/** The values swept, one list per dimension. */
export interface AblationGrid {
  alternatives: readonly AlternativeKind[];
  tv: readonly number[];
  area: readonly number[];
  destroy: readonly number[];
  destroyPower: readonly number[];
  fakeClassProbability: readonly number[];
}

/**
 * Every setting of the grid, alternatives varying slowest and the fake-class
 * probability fastest (a fixed order, so shards are stable).
 * @throws naming an empty dimension or a value out of range.
 */
export function expandGrid(grid: AblationGrid): AblationSetting[] {
  const dims: [keyof AblationGrid, readonly unknown[]][] = Object.entries(grid) as [
    keyof AblationGrid,
    readonly unknown[],
  ][];
  for (const [name, values] of dims)
    if (values.length === 0) throw new Error(`ablation grid: '${name}' has no values`);
  for (const name of ['tv', 'area', 'destroy', 'destroyPower'] as const) {
    for (const v of grid[name])
      if (!(Number.isFinite(v) && v >= 0))
        throw new Error(`ablation grid: ${name} values must be numbers >= 0, got ${v}`);
  }
  for (const p of grid.fakeClassProbability)
    if (!(p >= 0 && p < 1))
      throw new Error(`ablation grid: fake-class probability must lie in [0, 1), got ${p}`);
  const settings: AblationSetting[] = [];
  for (const alternative of grid.alternatives)
    for (const tv of grid.tv)
      for (const area of grid.area)
        for (const destroy of grid.destroy)
          for (const destroyPower of grid.destroyPower)
            for (const fakeClassProbability of grid.fakeClassProbability)
              settings.push({
                alternative,
                lambdas: { tv, area, destroy, destroyPower },
                fakeClassProbability,
              });
  return settings;
}

/**
 * The id of a setting, used as its file name: e.g.
 * `A-blur_tv-10_area-4_destroy-5_power-0.3` (iterative masks, which have no
 * fake classes) or the same with `_fake-0.3` (maskers).
 */
export function settingId(setting: AblationSetting, method: AblationMethod): string {
  const { tv, area, destroy, destroyPower } = setting.lambdas;
  const base = `A-${setting.alternative}_tv-${tv}_area-${area}_destroy-${destroy}_power-${destroyPower}`;
  return method === 'masker' ? `${base}_fake-${setting.fakeClassProbability}` : base;
}

/** Method options that make the evaluation's iterative masks optimise the setting's objective. */
export function iterativeMaskOptions(setting: AblationSetting, iterations: number): MethodOptions {
  return {
    'iterative-mask': {
      iterations,
      objective: { lambdas: { ...setting.lambdas }, alternative: setting.alternative },
    },
  };
}

/** The masker-training fields a setting decides. */
export function maskerTrainingOverrides(
  setting: AblationSetting,
): Pick<TrainMaskerConfig, 'lambdas' | 'alternative' | 'fakeClassProbability'> {
  return {
    lambdas: { ...setting.lambdas },
    alternative: setting.alternative,
    fakeClassProbability: setting.fakeClassProbability,
  };
}
