/**
 * Reading the results of an ablation sweep of Dabkowski & Gal (2017), "Real
 * Time Image Saliency for Black Box Classifiers" (the alternative image A and
 * the weights λ1..λ4, `ablation.ts`): `experiments/paper/ablate.ts` writes one
 * results file per setting to `<out>/<study>/<setting id>.json` (a
 * `PairResultFile` with the setting it ran under); this module reads a study
 * folder back as one flat row per setting, for tables and figures.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { AlternativeKind } from '../paper/evidence';
import type { ObjectiveLambdas } from '../paper/objective';
import { readJson, RESULTS_DIR } from '../io/results';
import type { AblationMethod } from './ablation';

/** Where `experiments/paper/ablate.ts` writes its studies by default: `results/ablations/<study>/`. */
export const DEFAULT_ABLATIONS_DIR = path.join(RESULTS_DIR, 'ablations');

/** The setting a results file records (`setting` of the file). */
export interface RecordedSetting {
  /** The setting's id, also the file's name (`ablation.ts` settingId). */
  id: string;
  method: AblationMethod;
  alternative: AlternativeKind;
  lambdas: ObjectiveLambdas;
  /** Optimisation steps per image (iterative masks only). */
  iterations?: number;
  /** Fake-class probability of masker training (maskers only). */
  fakeClassProbability?: number;
  /** Training steps (maskers only). */
  steps?: number;
}

/** One setting's scores, flattened from its results file. */
export interface AblationRow {
  /** The results file. */
  file: string;
  blackBox: string;
  setting: RecordedSetting;
  /** Fraction of test images not localised (IoU < 0.5). */
  localisationError: number;
  /** The crop metric s(a, p) over the test images (lower is better): mean, median, stored quantiles. */
  cropMetric: { mean: number; median: number; quantiles: { level: number; value: number }[] };
  /** Mean mask value on the single-item test images. */
  meanMaskArea: number;
  /** IoU of the salient region with the item's silhouette. */
  segmentationIoU: number;
  /** Share of mask mass in the requested item's box on two-item images (want high). */
  requestedMass: number;
  /** Share in the other item's box (want low). */
  otherMass: number;
  /** Mean mask value for a class absent from the image (want ≈ 0). */
  fakeClassMeanArea: number;
}

/** The scores a sweep compares, with their names for tables and figure axes. */
export type AblationMetric =
  'localisationError' | 'meanCropMetric' | 'meanMaskArea' | 'fakeClassMeanArea';

/** How to read and name each {@link AblationMetric}. */
export const ABLATION_METRICS: Readonly<
  Record<AblationMetric, { label: string; read: (row: AblationRow) => number }>
> = Object.freeze({
  localisationError: { label: 'localisation error', read: (r: AblationRow) => r.localisationError },
  meanCropMetric: { label: 'mean s(a, p)', read: (r: AblationRow) => r.cropMetric.mean },
  meanMaskArea: { label: 'mean mask area', read: (r: AblationRow) => r.meanMaskArea },
  fakeClassMeanArea: {
    label: 'fake-class mask area',
    read: (r: AblationRow) => r.fakeClassMeanArea,
  },
});

/** The value at a dotted path of a parsed JSON object, checked to be a finite number. */
function numberAt(json: unknown, dotted: string, file: string): number {
  const value = dotted
    .split('.')
    .reduce<unknown>(
      (v, key) =>
        v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined,
      json,
    );
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new Error(`${file}: '${dotted}' must be a finite number, got ${JSON.stringify(value)}`);
  return value;
}

/** The value at a top-level key of the file's `setting`, checked to be a string. */
function stringAt(json: Record<string, unknown>, key: string, file: string): string {
  const value = json[key];
  if (typeof value !== 'string')
    throw new Error(`${file}: '${key}' must be a string, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * One row from a parsed results file.
 * @throws naming the file and the first field that is missing or not a number.
 */
function parseRow(json: unknown, file: string): AblationRow {
  if (json === null || typeof json !== 'object') throw new Error(`${file}: not a JSON object`);
  const record = json as Record<string, unknown>;
  const raw = record.setting;
  if (raw === null || typeof raw !== 'object')
    throw new Error(`${file}: no 'setting' (not written by experiments/paper/ablate.ts?)`);
  const s = raw as Record<string, unknown>;
  const id = stringAt(s, 'id', `${file}: setting`);
  if (`${id}.json` !== path.basename(file))
    throw new Error(`${file}: setting id '${id}' does not match the file name`);
  const optional = (key: 'iterations' | 'fakeClassProbability' | 'steps') =>
    s[key] === undefined ? {} : { [key]: numberAt(s, key, `${file}: setting`) };
  const setting: RecordedSetting = {
    id,
    method: stringAt(s, 'method', `${file}: setting`) as AblationMethod,
    alternative: stringAt(s, 'alternative', `${file}: setting`) as AlternativeKind,
    lambdas: {
      tv: numberAt(s, 'lambdas.tv', `${file}: setting`),
      area: numberAt(s, 'lambdas.area', `${file}: setting`),
      destroy: numberAt(s, 'lambdas.destroy', `${file}: setting`),
      destroyPower: numberAt(s, 'lambdas.destroyPower', `${file}: setting`),
    },
    ...optional('iterations'),
    ...optional('fakeClassProbability'),
    ...optional('steps'),
  };
  const quantiles = (record.scores as { saliencyMetric?: { quantiles?: unknown } } | undefined)
    ?.saliencyMetric?.quantiles;
  if (!Array.isArray(quantiles))
    throw new Error(`${file}: 'scores.saliencyMetric.quantiles' must be a list`);
  return {
    file,
    blackBox: stringAt(record, 'blackBox', file),
    setting,
    localisationError: numberAt(json, 'scores.localisation.error', file),
    cropMetric: {
      mean: numberAt(json, 'scores.saliencyMetric.mean', file),
      median: numberAt(json, 'scores.saliencyMetric.median', file),
      quantiles: quantiles.map((q, i) => ({
        level: numberAt(q, 'level', `${file}: quantile ${i}`),
        value: numberAt(q, 'value', `${file}: quantile ${i}`),
      })),
    },
    meanMaskArea: numberAt(json, 'scores.meanMaskArea', file),
    segmentationIoU: numberAt(json, 'scores.segmentation.meanIoU', file),
    requestedMass: numberAt(json, 'scores.selectivity.requestedMass', file),
    otherMass: numberAt(json, 'scores.selectivity.otherMass', file),
    fakeClassMeanArea: numberAt(json, 'scores.selectivity.fakeClassMeanArea', file),
  };
}

/** A parameter a sweep can vary. */
export type SettingParameter =
  | 'alternative'
  | 'tv'
  | 'area'
  | 'destroy'
  | 'destroyPower'
  | 'iterations'
  | 'fakeClassProbability'
  | 'steps';

/** Short names of the parameters, as in the paper (λ1 = TV, λ2 = area, λ3 = destroyed-image probability, λ4 its power). */
export const PARAMETER_NAMES: Readonly<Record<SettingParameter, string>> = {
  alternative: 'A',
  tv: 'λ1',
  area: 'λ2',
  destroy: 'λ3',
  destroyPower: 'λ4',
  iterations: 'iterations',
  fakeClassProbability: 'fake p',
  steps: 'steps',
};

/** A parameter's value in a setting (undefined when the method does not record it). */
export function parameterValue(
  setting: RecordedSetting,
  parameter: SettingParameter,
): string | number | undefined {
  if (
    parameter === 'tv' ||
    parameter === 'area' ||
    parameter === 'destroy' ||
    parameter === 'destroyPower'
  )
    return setting.lambdas[parameter];
  return setting[parameter];
}

/** Orders settings by A, then numerically by every other parameter, in the order of {@link SettingParameter}. */
function compareSettings(a: RecordedSetting, b: RecordedSetting): number {
  for (const p of Object.keys(PARAMETER_NAMES) as SettingParameter[]) {
    const [x, y] = [parameterValue(a, p), parameterValue(b, p)];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x).localeCompare(String(y));
  }
  return a.id.localeCompare(b.id);
}

/**
 * Every setting of a study folder (`<out>/<study>/`), sorted by A, then
 * numerically by λ1, λ2, λ3, λ4, iterations, fake-class probability and
 * steps. Reads the `*.json` files directly in the folder (the masker
 * sweep's `checkpoints/` and `maskers/` sub-folders and half-written
 * `*.tmp` files are not results).
 * @returns no rows when the folder does not exist.
 * @throws naming the file and the field when a results file is not an ablation result.
 */
export function readAblationStudy(dir: string): AblationRow[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => {
      const file = path.join(dir, e.name);
      return parseRow(
        readJson<unknown>(
          file,
          'delete it, or run that setting again with experiments/paper/ablate.ts',
        ),
        file,
      );
    })
    .sort((a, b) => compareSettings(a.setting, b.setting));
}

/** The parameters that take more than one value over the rows, in the order of {@link SettingParameter}. */
export function varyingParameters(rows: readonly AblationRow[]): SettingParameter[] {
  return (Object.keys(PARAMETER_NAMES) as SettingParameter[]).filter(
    (p) => new Set(rows.map((r) => parameterValue(r.setting, p))).size > 1,
  );
}

/**
 * A short label of a setting naming only the given parameters, e.g.
 * `'A blur · λ1 3'`; the setting's id when `parameters` is empty.
 */
export function settingLabel(
  setting: RecordedSetting,
  parameters: readonly SettingParameter[],
): string {
  if (parameters.length === 0) return setting.id;
  return parameters
    .map((p) => `${PARAMETER_NAMES[p]} ${parameterValue(setting, p) ?? '–'}`)
    .join(' · ');
}
