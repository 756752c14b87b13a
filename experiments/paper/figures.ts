/**
 * Regenerates every PNG figure the kit draws from committed results JSON,
 * through the Plotly builders of lib/plot and headless Chromium
 * (lib/plot/png-export.ts). A figure whose input results file does not exist
 * yet is skipped, naming the file and the command that writes it.
 *
 *   results/black-boxes/<arch>.json  → results/figures/black-box-accuracy.png
 *   results/maskers/<arch>.json      → results/figures/masker-training-<arch>.png,
 *                                      results/figures/masker-areas.png
 *   results/maskers/calibration.json → results/figures/lambda-grid-{area,kept,inside}.png
 *   results/evaluation/<method>__<black box>.json
 *                                    → results/figures/localisation-error.png, crop-metric.png
 *   results/ablations/alternative/<setting id>.json (npm run ablation:alternative)
 *                                    → results/figures/ablation-alternative.png (scores per A)
 *   results/ablations/alternative-masker/<setting id>.json (npm run ablation:alternative-masker)
 *                                    → results/figures/ablation-alternative-masker.png (scores per A, trained maskers)
 *   results/ablations/lambda/<setting id>.json (npm run ablation:lambda)
 *                                    → results/figures/ablation-lambda-{localisation-error,mask-area}.png
 *                                      (heat maps over λ1 × λ2)
 *
 * Run: npx ts-node --transpile-only experiments/paper/figures.ts [--only NAME,…] [--results DIR] [--out DIR] [--scale S]
 */
import * as fs from 'fs';
import * as path from 'path';
import { AblationRow, readAblationStudy } from '../../lib/evaluation/ablation-results';
import { ARCHITECTURE_NAMES } from '../../lib/classifiers/architecture';
import { ablationBarsFigure, lambdaHeatmapFigure } from '../../lib/plot/ablation-figures';
import { gridFromPoints, gridHeatmapFigure } from '../../lib/plot/grid-heatmap';
import { quantileBoxFigure, quantileBoxFromSummary } from '../../lib/plot/distribution';
import { groupedBarFigure, localisationErrorFigure } from '../../lib/plot/grouped-bars';
import { LineSeries, lineChartFigure } from '../../lib/plot/line-chart';
import { PngExporter } from '../../lib/plot/png-export';
import type { Figure } from '../../lib/plot/types';
import {
  checkOutputPath,
  parseChoiceList,
  parseFolder,
  parseNumber,
  POSITIVE_NUMBER,
  program,
  runMain,
} from '../../lib/commands/cli';
import { readJson, RESULTS_DIR } from '../../lib/io/results';
import type { LossCurvePoint } from '../../lib/masker/train-masker';

/** The fields of results/black-boxes/<arch>.json this command reads. */
interface BlackBoxSummary {
  arch: string;
  testAccuracy: number;
  plainFashionMnistTestAccuracy: number;
}

/** The fields of results/maskers/<arch>.json this command reads. */
interface MaskerSummary {
  blackBox: string;
  curve: LossCurvePoint[];
}

/** The fields of results/maskers/calibration.json (experiments/paper/calibrate-lambdas.ts) this command reads. */
interface Calibration {
  blackBox: string;
  images: number;
  meanBoxFraction: number;
  rows: {
    lambdas: { tv: number; area: number };
    meanArea: number;
    meanKeptProbability: number;
    massInsideBox: number;
  }[];
}

/** The fields of results/evaluation/<method>__<black box>.json (lib/evaluation/benchmark.ts) this command reads. */
interface PairResult {
  method: string;
  blackBox: string;
  scores: {
    localisation: { error: number };
    saliencyMetric: { mean: number; quantiles: { level: number; value: number }[] };
  };
}

/** One figure: its PNG name and how to build it from whichever inputs exist. */
interface FigureJob {
  name: string;
  /** The results files it reads (a pattern for a set of files), whether they are there, and the command that writes them. */
  inputs: { file: string; found: boolean; command: string }[];
  /** True: skipped unless every input exists; false: drawn from those that exist, skipped when none does. */
  needsAll: boolean;
  build(): Figure;
}

const BLACK_BOX_COMMAND =
  'npx ts-node --transpile-only experiments/paper/train-black-box.ts --arch all --jobs 2';
const MASKER_COMMAND = 'npx ts-node --transpile-only experiments/paper/train-masker.ts';
const CALIBRATION_COMMAND = 'npx ts-node --transpile-only experiments/paper/calibrate-lambdas.ts';
const EVALUATION_COMMAND = 'npx ts-node --transpile-only experiments/paper/evaluate.ts';
/** A results file written by `command`; undefined when it is not there yet. */
const readInput = <T>(file: string, command: string): T | undefined =>
  readJson<T>(file, `delete it or write it again with: ${command}`);
const present = <T>(files: string[], command: string): T[] =>
  files.map((f) => readInput<T>(f, command)).filter((v): v is T => v !== undefined);
const input = (file: string, command: string) => ({ file, found: fs.existsSync(file), command });
const blackBoxesOf = (rows: readonly AblationRow[]) =>
  [...new Set(rows.map((r) => r.blackBox))].join(', ');

/** Every figure, reading from `resultsDir`. */
function jobs(resultsDir: string): FigureJob[] {
  const blackBoxFile = (arch: string) => path.join(resultsDir, 'black-boxes', `${arch}.json`);
  const maskerFile = (arch: string) => path.join(resultsDir, 'maskers', `${arch}.json`);
  const calibrationFile = path.join(resultsDir, 'maskers', 'calibration.json');
  const blackBoxAccuracy: FigureJob = {
    name: 'black-box-accuracy',
    inputs: ARCHITECTURE_NAMES.map((arch) => input(blackBoxFile(arch), BLACK_BOX_COMMAND)),
    needsAll: false,
    build: () =>
      groupedBarFigure(
        present<BlackBoxSummary>(ARCHITECTURE_NAMES.map(blackBoxFile), BLACK_BOX_COMMAND).flatMap(
          (s) => [
            {
              category: s.arch,
              group: 'Cluttered Fashion-MNIST test',
              value: 100 * s.testAccuracy,
            },
            {
              category: s.arch,
              group: 'plain Fashion-MNIST test',
              value: 100 * s.plainFashionMnistTestAccuracy,
            },
          ],
        ),
        {
          valueTitle: 'accuracy (%)',
          categoryTitle: 'black box',
          valueRange: [0, 105],
          title: 'Black-box accuracy',
          width: 640,
          height: 400,
        },
      ),
  };
  const maskerTraining = ARCHITECTURE_NAMES.map((arch): FigureJob => ({
    name: `masker-training-${arch}`,
    inputs: [input(maskerFile(arch), `${MASKER_COMMAND} --black-box ${arch}`)],
    needsAll: true,
    build: () => {
      const { curve } = readInput<MaskerSummary>(
        maskerFile(arch),
        `${MASKER_COMMAND} --black-box ${arch}`,
      )!;
      const x = curve.map((p) => p.step);
      const terms: [keyof LossCurvePoint, string][] = [
        ['loss', 'loss (objective + gate)'],
        ['tv', 'λ1·TV'],
        ['area', 'λ2·AV'],
        ['preserve', '−log f_c(Φ(X, M))'],
        ['destroy', 'λ3·f_c(Φ(X, 1 − M))^λ4'],
        ['gate', 'γ·gate BCE'],
      ];
      const series: LineSeries[] = terms.map(([key, name]) => ({
        name,
        x,
        y: curve.map((p) => p[key] as number),
      }));
      return lineChartFigure(series, {
        xTitle: 'step',
        yTitle: 'batch mean',
        title: `Masker training for the ${arch} black box`,
      });
    },
  }));
  const maskerAreas: FigureJob = {
    name: 'masker-areas',
    inputs: ARCHITECTURE_NAMES.map((arch) =>
      input(maskerFile(arch), `${MASKER_COMMAND} --black-box all`),
    ),
    needsAll: false,
    build: () =>
      lineChartFigure(
        present<MaskerSummary>(ARCHITECTURE_NAMES.map(maskerFile), MASKER_COMMAND).flatMap((m) => {
          const points = m.curve.filter((p) => p.fakeArea !== null);
          return [
            {
              name: `${m.blackBox}: true class`,
              x: m.curve.map((p) => p.step),
              y: m.curve.map((p) => p.realArea),
            },
            {
              name: `${m.blackBox}: fake class`,
              x: points.map((p) => p.step),
              y: points.map((p) => p.fakeArea as number),
            },
          ];
        }),
        {
          xTitle: 'step',
          yTitle: 'mean mask value',
          title: 'Mask area during masker training (true vs fake class)',
        },
      ),
  };
  const calibrationMetrics: {
    name: string;
    metric: string;
    read: (r: Calibration['rows'][number]) => number;
    title: (c: Calibration) => string;
  }[] = [
    {
      name: 'area',
      metric: 'mean mask area',
      read: (r) => r.meanArea,
      title: (c) => `Mean mask area (the items' boxes: ${c.meanBoxFraction.toFixed(2)})`,
    },
    {
      name: 'kept',
      metric: 'f_c(Φ(X, M))',
      read: (r) => r.meanKeptProbability,
      title: () => 'Class probability with the mask kept (A = blur)',
    },
    {
      name: 'inside',
      metric: 'mass in box',
      read: (r) => r.massInsideBox,
      title: () => 'Share of mask mass inside the true box',
    },
  ];
  const lambdaGrids = calibrationMetrics.map((m): FigureJob => ({
    name: `lambda-grid-${m.name}`,
    inputs: [input(calibrationFile, CALIBRATION_COMMAND)],
    needsAll: true,
    build: () => {
      const c = readInput<Calibration>(calibrationFile, CALIBRATION_COMMAND)!;
      const grid = gridFromPoints(
        c.rows.map((r) => ({ x: r.lambdas.tv, y: r.lambdas.area, value: m.read(r) })),
        'λ1 (TV weight)',
        'λ2 (area weight)',
      );
      return gridHeatmapFigure(grid, {
        metric: m.metric,
        width: 640,
        height: 520,
        title: `${m.title(c)}<br><sub>iterative masks explaining ${c.blackBox}, ${c.images} training images</sub>`,
      });
    },
  }));
  const evaluationDir = path.join(resultsDir, 'evaluation');
  const pairFiles = fs.existsSync(evaluationDir)
    ? fs
        .readdirSync(evaluationDir)
        .filter((f) => /^.+__.+\.json$/.test(f))
        .map((f) => path.join(evaluationDir, f))
    : [];
  const evaluationInput = [
    {
      file: path.join(evaluationDir, '<method>__<black box>.json'),
      found: pairFiles.length > 0,
      command: EVALUATION_COMMAND,
    },
  ];
  const pairs = () => present<PairResult>(pairFiles, EVALUATION_COMMAND);
  const localisationError: FigureJob = {
    name: 'localisation-error',
    inputs: evaluationInput,
    needsAll: true,
    build: () =>
      localisationErrorFigure(
        pairs().map((p) => ({
          method: p.method,
          blackBox: p.blackBox,
          error: p.scores.localisation.error,
        })),
        {
          title: 'Localisation error (IoU < 0.5), Cluttered Fashion-MNIST test images',
          width: 860,
        },
      ),
  };
  const cropMetric: FigureJob = {
    name: 'crop-metric',
    inputs: evaluationInput,
    needsAll: true,
    build: () =>
      quantileBoxFigure(
        pairs().map((p) => quantileBoxFromSummary(p.method, p.blackBox, p.scores.saliencyMetric)),
        {
          metric: 's(a, p), lower is better',
          title: 'Crop saliency metric per method and black box',
          width: 860,
        },
      ),
  };
  const studyDir = (study: string) => path.join(resultsDir, 'ablations', study);
  const studyInput = (study: string) => {
    const dir = studyDir(study);
    const found = fs.existsSync(dir) && fs.readdirSync(dir).some((f) => f.endsWith('.json'));
    return [
      { file: path.join(dir, '<setting id>.json'), found, command: `npm run ablation:${study}` },
    ];
  };
  /** Scores per alternative image A, from a study that varies only A. */
  const alternativeBars = (study: string, method: string): FigureJob => ({
    name: `ablation-${study}`,
    inputs: studyInput(study),
    needsAll: true,
    build: () => {
      const rows = readAblationStudy(studyDir(study));
      return ablationBarsFigure(rows, undefined, {
        title: `Scores per alternative image A<br><sub>${method} explaining ${blackBoxesOf(rows)}, Cluttered Fashion-MNIST test images</sub>`,
      });
    },
  });
  const ablationAlternative = [
    alternativeBars('alternative', 'iterative masks'),
    alternativeBars('alternative-masker', 'trained maskers'),
  ];
  const lambdaMetrics = [
    { name: 'localisation-error', metric: 'localisationError', title: 'Localisation error' },
    { name: 'mask-area', metric: 'meanMaskArea', title: 'Mean mask area' },
  ] as const;
  const ablationLambda = lambdaMetrics.map((m): FigureJob => ({
    name: `ablation-lambda-${m.name}`,
    inputs: studyInput('lambda'),
    needsAll: true,
    build: () => {
      const rows = readAblationStudy(studyDir('lambda'));
      const subtitle = `iterative masks explaining ${blackBoxesOf(rows)}, A = ${[...new Set(rows.map((r) => r.setting.alternative))].join(', ')}`;
      return lambdaHeatmapFigure(rows, m.metric, {
        width: 640,
        height: 520,
        title: `${m.title} over (λ1, λ2)<br><sub>${subtitle}</sub>`,
      });
    },
  }));
  return [
    blackBoxAccuracy,
    ...maskerTraining,
    maskerAreas,
    ...lambdaGrids,
    localisationError,
    cropMetric,
    ...ablationAlternative,
    ...ablationLambda,
  ];
}

async function main(): Promise<void> {
  const opts = program('Regenerate the PNG figures from results/*.json')
    .option('--only <names>', 'comma-separated figure names (default: all)')
    .option('--results <dir>', 'folder of the results JSON', RESULTS_DIR)
    .option('--out <dir>', 'output folder (default: <results>/figures)')
    .option('--scale <s>', 'pixel ratio of the PNGs', '1')
    .parse()
    .opts<{ only?: string; results: string; out?: string; scale: string }>();
  const results = parseFolder(
    opts.results,
    '--results',
    'results JSON (black-boxes/, maskers/, evaluation/, ablations/)',
  );
  const scale = parseNumber(opts.scale, '--scale', POSITIVE_NUMBER);
  const all = jobs(results);
  const out = opts.out ?? path.join(results, 'figures');
  checkOutputPath(out, '--out', 'folder');
  const names = all.map((j) => j.name);
  const wanted = opts.only === undefined ? names : parseChoiceList(opts.only, names, '--only');

  let exporter: PngExporter | undefined;
  const skipped: string[] = [];
  try {
    for (const job of all.filter((j) => wanted.includes(j.name))) {
      const missing = job.inputs.filter((i) => !i.found);
      const relative = (f: string) => path.relative(process.cwd(), f);
      if (missing.length === job.inputs.length || (job.needsAll && missing.length)) {
        const commands = [...new Set(missing.map((m) => m.command))];
        skipped.push(job.name);
        console.log(
          `skip ${job.name}: missing ${missing.map((m) => relative(m.file)).join(', ')} (run: ${commands.join('; ')})`,
        );
        continue;
      }
      exporter ??= await PngExporter.launch({ scale });
      const file = path.join(out, `${job.name}.png`);
      await exporter.write(job.build(), file);
      const partial = missing.length
        ? ` (without ${missing.map((m) => relative(m.file)).join(', ')})`
        : '';
      console.log(`wrote ${relative(file)}${partial}`);
    }
  } finally {
    await exporter?.close();
  }
  console.log(`${wanted.length - skipped.length} figure(s) written, ${skipped.length} skipped`);
}

runMain(main);
