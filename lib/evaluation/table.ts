/**
 * The kit's analogue of Table 1 of Dabkowski & Gal (2017), "Real Time Image
 * Saliency for Black Box Classifiers": one row per method, per black box the
 * localisation error and the saliency metric's mean (each ± the half-width of
 * its 95 % interval), the metric's median, segmentation IoU, mean mask area
 * and masks/s, then class selectivity and the measures of the wider
 * literature (pointing game, deletion and insertion AUC), read from the results files of
 * `runBenchmark`, as Markdown; with the published ImageNet localisation
 * errors beside it for orientation (a different data set and different
 * black boxes: the numbers are not comparable, only the ordering is of interest).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { PairResultFile } from './benchmark';
import { evaluatedMethodNames } from '../methods/registry';
import { meanHalfWidth95, proportionHalfWidth95 } from '../metrics/uncertainty';
import { readJson } from '../io/results';

/**
 * Published ImageNet localisation errors (%) beside the kit's methods: the
 * masking model (Dabkowski & Gal 2017) and baselines as quoted by later work.
 * `label` names the published method where it is not the kit's.
 */
export const PUBLISHED_LOCALISATION_ERRORS: Readonly<
  Record<string, { error: number; label: string }>
> = Object.freeze({
  masker: { error: 36.9, label: 'Masking model (Dabkowski & Gal)' },
  gradient: { error: 41.7, label: 'Grad' },
  'grad-cam': { error: 48.1, label: 'CAM (not Grad-CAM)' },
  'iterative-mask': { error: 43.2, label: 'Mask (Fong & Vedaldi)' },
});

/** Published rows without a kit method. */
export const PUBLISHED_ONLY: readonly { label: string; error: number }[] = Object.freeze([
  { label: 'Guided BP', error: 42.0 },
]);

/** The default README markers between which the table goes. */
export const TABLE_MARKERS = Object.freeze({
  start: '<!-- table1:start -->',
  end: '<!-- table1:end -->',
});

/**
 * Reads every results file of a folder (JSON files with a `configHash`).
 * @returns the files, in name order.
 * @throws naming the file when one is not valid JSON.
 */
export function readPairResults(dir: string): PairResultFile[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) =>
      readJson<Partial<PairResultFile>>(
        path.join(dir, f),
        'delete it, or evaluate that pair again with experiments/paper/evaluate.ts',
      )!,
    )
    .filter(
      (r): r is PairResultFile => typeof r?.configHash === 'string' && r.scores !== undefined,
    );
}

/** Rows in registry order (reference rows last), methods not registered in this process after. */
function methodOrder(results: readonly PairResultFile[]): string[] {
  const present = [...new Set(results.map((r) => r.method as string))];
  const known = evaluatedMethodNames();
  const rank = (m: string) => (known.includes(m) ? known.indexOf(m) : known.length);
  return present.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
}

const fixed = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : '–');
/** `value ± half-width`, or just the value where the half-width is not finite (one image). */
const withInterval = (value: number, halfWidth: number, digits: number) =>
  Number.isFinite(halfWidth)
    ? `${fixed(value, digits)} ± ${fixed(halfWidth, digits)}`
    : fixed(value, digits);
const rate = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toPrecision(2));

/**
 * Table 1 analogue as Markdown: the main table, a class-selectivity table and notes.
 * @param results results files (any subset of methods × black boxes).
 */
export function renderTable1(results: readonly PairResultFile[]): string {
  if (results.length === 0)
    return '_No evaluation results yet: run `experiments/paper/evaluate.ts`._\n';
  const methods = methodOrder(results);
  const boxes = [...new Set(results.map((r) => r.blackBox))].sort();
  const find = (m: string, b: string) => results.find((r) => r.method === m && r.blackBox === b);
  const lines: string[] = [];

  // 1. Main table.
  const perBox = ['loc. err %', 's mean', 's median', 'seg. IoU', 'area', 'masks/s'];
  lines.push(
    `| method | ${boxes.flatMap((b) => perBox.map((c) => `${b}: ${c}`)).join(' | ')} | ImageNet loc. err % (published) |`,
  );
  lines.push(`|---|${boxes.flatMap(() => perBox.map(() => '---:')).join('|')}|---|`);
  for (const m of methods) {
    const cells = boxes.flatMap((b) => {
      const r = find(m, b);
      if (!r) return perBox.map(() => '');
      const s = r.scores;
      const n = r.plan.counts.test;
      const error = withInterval(
        100 * s.localisation.error,
        100 * proportionHalfWidth95(s.localisation.error, n),
        1,
      );
      const meanS = withInterval(
        s.saliencyMetric.mean,
        meanHalfWidth95(s.saliencyMetric.std, s.saliencyMetric.count),
        3,
      );
      return [
        error,
        meanS,
        fixed(s.saliencyMetric.median, 3),
        fixed(s.segmentation.meanIoU, 3),
        fixed(s.meanMaskArea, 3),
        rate(s.speed.masksPerSecond),
      ];
    });
    const published = PUBLISHED_LOCALISATION_ERRORS[m];
    lines.push(
      `| ${m} | ${cells.join(' | ')} | ${published ? `${published.error.toFixed(1)} (${published.label})` : ''} |`,
    );
  }
  for (const p of PUBLISHED_ONLY)
    lines.push(
      `| _${p.label}_ | ${boxes.flatMap(() => perBox.map(() => '')).join(' | ')} | ${p.error.toFixed(1)} |`,
    );

  // 2. Class selectivity on two-item images.
  lines.push(
    '',
    "Class selectivity on two-item images (mask mass in the requested item's box / the other item's box; mean mask value for the items' classes and for an absent class):",
    '',
  );
  const perSel = ['mass req.', 'mass other', 'area present', 'area fake'];
  lines.push(`| method | ${boxes.flatMap((b) => perSel.map((c) => `${b}: ${c}`)).join(' | ')} |`);
  lines.push(`|---|${boxes.flatMap(() => perSel.map(() => '---:')).join('|')}|`);
  for (const m of methods) {
    const cells = boxes.flatMap((b) => {
      const s = find(m, b)?.scores.selectivity;
      if (!s) return perSel.map(() => '');
      const fake = fixed(s.fakeClassMeanArea, 3) + (s.perImageNormalised ? '\\*' : '');
      return [
        fixed(s.requestedMass, 3),
        fixed(s.otherMass, 3),
        fixed(s.presentClassMeanArea, 3),
        fake,
      ];
    });
    lines.push(`| ${m} | ${cells.join(' | ')} |`);
  }

  // 3. The measures of the wider saliency literature.
  lines.push(
    '',
    "Measures of the saliency literature: pointing game (hit %: the map's maximum within 15 px at 224 of the item's box; on two-item images, of the requested item), deletion AUC (lower is better) and insertion AUC (higher is better) of the class probability, removed pixels replaced by the blurred image or by 0:",
    '',
  );
  const perLit = ['point %', 'point pairs %', 'del. blur', 'del. 0', 'ins. blur', 'ins. 0'];
  lines.push(`| method | ${boxes.flatMap((b) => perLit.map((c) => `${b}: ${c}`)).join(' | ')} |`);
  lines.push(`|---|${boxes.flatMap(() => perLit.map(() => '---:')).join('|')}|`);
  for (const m of methods) {
    const cells = boxes.flatMap((b) => {
      const s = find(m, b)?.scores;
      if (!s?.pointingGame) return perLit.map(() => '');
      const pct = (r: { rate: number; halfWidth95: number }) =>
        withInterval(100 * r.rate, 100 * r.halfWidth95, 1);
      const auc = (a: { mean: number; halfWidth95: number }) =>
        withInterval(a.mean, a.halfWidth95, 3);
      return [
        pct(s.pointingGame),
        pct(s.pointingGame.pairs.requested),
        auc(s.deletionAuc.blur),
        auc(s.deletionAuc.constant),
        auc(s.insertionAuc.blur),
        auc(s.insertionAuc.constant),
      ];
    });
    lines.push(`| ${m} | ${cells.join(' | ')} |`);
  }

  // 4. Notes: counts, α, engine.
  // One count per method, or one per black box where they differ (e.g. slow methods capped harder on some).
  const counts = methods
    .map((m) => {
      const perBox = boxes.flatMap((b) => {
        const c = find(m, b)?.plan.counts;
        return c ? [{ b, text: `${c.test}/${c.tune}/${c.pairs}/${c.curves ?? 0}` }] : [];
      });
      const distinct = new Set(perBox.map((p) => p.text));
      return distinct.size === 1
        ? `${m} ${perBox[0].text}`
        : `${m} ${perBox.map((p) => `${p.text} (${p.b})`).join(', ')}`;
    })
    .join('; ');
  const alphas = methods
    .map(
      (m) =>
        `${m} ${boxes.map((b) => fixed(find(m, b)?.scores.localisation.alpha ?? NaN, 2)).join('/')}`,
    )
    .join('; ');
  const options = methods
    .map(
      (m) =>
        [
          m,
          [
            ...new Set(
              results
                .filter((x) => x.method === m)
                .map((x) => JSON.stringify(x.plan.methodOptions ?? {})),
            ),
          ],
        ] as const,
    )
    .filter(([, opts]) => opts.some((o) => o !== '{}'))
    .map(([m, opts]) => `${m} ${opts.join(' / ')}`)
    .join('; ');
  const engines = [
    ...new Set(results.map((r) => `${r.run.backend} on ${r.run.cores} × ${r.run.cpu}`)),
  ].join(', ');
  lines.push(
    '',
    'Kit numbers: Cluttered Fashion-MNIST test split, true class explained; lower is better for localisation error and s (the crop metric s(a, p) = log max(a, 0.05) − log p on the tightest box around the salient region map > α × mean, α tuned per method × black box on held-out training images). ' +
      '"±": half-width of the 95 % interval (Agresti–Coull for the error rate, normal for the mean of s) over the test images scored. ' +
      '"area" is the mean mask value on single-item test images. Published numbers are ImageNet (other data, other black boxes): for orientation only.',
    '',
    `Images per method (test/tune/pairs/curves): ${counts}.`,
    '',
    `Tuned α (${boxes.join('/')}): ${alphas}.`,
    '',
    `Method options (others at their defaults): ${options || 'none'}.`,
    '',
    `\\* maps rescaled per image: an absent class still gets a full-strength map, so the fake-class area says nothing about the method. Speed measured with ${engines}.`,
  );
  return lines.join('\n') + '\n';
}

/**
 * Replaces the text between two markers (markers kept).
 * @returns the new text, or `undefined` when either marker is missing or they are out of order.
 */
export function replaceBetweenMarkers(
  text: string,
  body: string,
  markers: { start: string; end: string } = TABLE_MARKERS,
): string | undefined {
  const start = text.indexOf(markers.start);
  const end = text.indexOf(markers.end, start + markers.start.length);
  if (start < 0 || end < 0) return undefined;
  return `${text.slice(0, start + markers.start.length)}\n${body.trimEnd()}\n${text.slice(end)}`;
}
