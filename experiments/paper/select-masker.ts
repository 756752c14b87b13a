/**
 * Trains the masker with several seeds per black box, scores each with the
 * kit's evaluation, and installs the one that localises best on the held-out
 * tuning images (`bestOnTuning`; the test images never enter the choice).
 *
 *   1. `train-masker.ts --black-box <bb> --seed <s>` into `<work>/<bb>/seed-<s>/`,
 *   2. `evaluate.ts --methods masker` on each (α tuned on held-out images, then test),
 *   3. the chosen candidate copied to `<out>/<bb>/` and `<out>/<bb>.json`, and
 *      `<out>/selection-<bb>.json` listing every candidate's tuning and test scores.
 *
 * Steps 1 and 2 run `--jobs` children at a time and skip what is finished,
 * so an interrupted run resumes (training from its checkpoints).
 * With `--shard i/n` (one task of a job array, experiments/tools/submit.ts)
 * steps 1 and 2 run for that shard's candidates only, and step 3 is left to
 * a run without `--shard` once every shard has finished.
 *
 * With `--model` (and the model flags of lib/classifiers/model-flags.ts), `--data`
 * and `--tune-data`: the masker of a user's classifier, trained on `--data`
 * (`train-masker.ts --model`, with `--encoder`), scored on the held-out
 * images of `--tune-data` (`evaluate.ts --model --methods masker`), chosen
 * by localisation there when those images have VOC boxes, else by the mean
 * crop metric; installed in `<out>/<model name>/` (default `results/maskers/models/`).
 *
 * Run: npx ts-node --transpile-only experiments/paper/select-masker.ts --black-box all --seeds 0,1,2 --jobs 2
 *      npx ts-node --transpile-only experiments/paper/select-masker.ts --model my-model/ --data photos/train --tune-data photos/held-out
 */
import * as fs from 'fs';
import * as path from 'path';
import { initEngine } from '../../lib/engine/backend';
import { ARCHITECTURE_NAMES } from '../../lib/classifiers/architecture';
import { assertAllSucceeded, ChildRun, runInParallel } from '../../lib/commands/parallel';
import {
  addShardFlags,
  parseShard,
  printUnitCount,
  ShardFlags,
  shardItems,
} from '../../lib/commands/shard';
import { readJson, RESULTS_DIR, runMetadata, writeJsonAtomic } from '../../lib/io/results';
import type { PairResultFile } from '../../lib/evaluation/benchmark';
import { bestOnCropMetric, bestOnTuning } from '../../lib/masker/masker-selection';
import type { Command } from 'commander';
import {
  checkOutputPath,
  NON_NEGATIVE_INTEGER,
  parseChoice,
  parseNumberList,
  parsePositiveInteger,
  program,
  rejectGiven,
  runMain,
} from '../../lib/commands/cli';
import { BAD_IMAGE_POLICIES } from '../../lib/data/image-folder';
import type { FolderScores } from '../../lib/evaluation/folder-evaluation';
import { loadTfjsModel } from '../../lib/classifiers/load-tfjs-model';
import {
  addModelFlags,
  MODEL_DECLARATION_KEYS,
  ModelFlags,
  modelFlagArgs,
  modelOptionsFromFlags,
} from '../../lib/classifiers/model-flags';
import {
  ENCODER_FORMS,
  MODEL_MASKERS_DIR,
  parseEncoderChoice,
} from '../../lib/masker/model-masker';
import { UserError } from '../../lib/core/user-error';

interface Options extends Partial<ModelFlags>, ShardFlags {
  blackBox: string;
  seeds: string;
  trainArgs: string;
  evalArgs: string;
  work: string;
  out: string;
  jobs: string;
  data?: string;
  tuneData?: string;
  encoder: string;
  onBadImage: string;
}

/** The default `--eval-args` of the kit's black boxes. */
const KIT_EVAL_ARGS = '--images 1000 --tune-images 1000 --pairs 200';

/** Space-separated arguments as a list. */
const split = (s: string) => s.split(/\s+/).filter(Boolean);

/**
 * `--model`: trains the user's model's masker with each seed on `--data`,
 * scores each on `--tune-data`, installs the best.
 */
async function selectForModel(opts: Options, command: Command, startedAt: Date): Promise<void> {
  rejectGiven(
    command,
    ['blackBox', 'shard', 'countUnits'],
    "applies to the kit's black boxes, not to --model",
  );
  if (opts.data === undefined || opts.tuneData === undefined) {
    throw new UserError(
      '--model needs --data (the images to train on) and --tune-data (held-out images to choose the seed on, none of them in --data)',
    );
  }
  const seeds = parseNumberList(opts.seeds, '--seeds', NON_NEGATIVE_INTEGER);
  const jobs = parsePositiveInteger(opts.jobs, '--jobs');
  parseEncoderChoice(opts.encoder);
  parseChoice(opts.onBadImage, BAD_IMAGE_POLICIES, '--on-bad-image');
  if (path.resolve(opts.data) === path.resolve(opts.tuneData))
    throw new UserError(
      `--tune-data must hold other images than --data, got '${opts.tuneData}' for both`,
    );
  // The model's name, which names its masker's files; loading it also checks the model flags before any child starts.
  const { location, options } = modelOptionsFromFlags(opts as ModelFlags);
  await initEngine();
  const loaded = await loadTfjsModel(location, options);
  const name = loaded.blackBox.name;
  loaded.dispose();
  const given = (key: keyof Options) => command.getOptionValueSource(key) === 'cli';
  const out = given('out') ? opts.out : MODEL_MASKERS_DIR;
  const work = given('work') ? opts.work : path.join(out, 'seeds', name);
  checkOutputPath(work, '--work', 'folder');
  checkOutputPath(out, '--out', 'folder');
  const model = modelFlagArgs(opts as ModelFlags);
  const evalArgs = given('evalArgs') ? split(opts.evalArgs) : [];
  const candidates = seeds.map((seed) => ({ seed, dir: path.join(work, `seed-${seed}`) }));
  const train: ChildRun[] = candidates
    .filter((c) => !fs.existsSync(path.join(c.dir, `${name}.json`)))
    .map((c) => ({
      label: `${name}/seed-${c.seed}`,
      script: path.join(__dirname, 'train-masker.ts'),
      args: [
        ...model,
        '--data',
        opts.data as string,
        '--encoder',
        opts.encoder,
        '--on-bad-image',
        opts.onBadImage,
        '--seed',
        String(c.seed),
        '--out',
        c.dir,
        '--checkpoints',
        path.join(c.dir, 'checkpoints'),
        ...split(opts.trainArgs),
      ],
    }));
  assertAllSucceeded(await runInParallel(train, jobs));
  const featureModel =
    opts.encoder === 'own' || opts.encoder === 'residual' ? [] : ['--feature-model', opts.encoder];
  const evaluate: ChildRun[] = candidates.map((c) => ({
    label: `${name}/seed-${c.seed}`,
    script: path.join(__dirname, 'evaluate.ts'),
    args: [
      ...model,
      '--data',
      opts.tuneData as string,
      '--on-bad-image',
      opts.onBadImage,
      '--methods',
      'masker',
      '--masker',
      path.join(c.dir, name),
      ...featureModel,
      '--out',
      path.join(c.dir, 'eval'),
      ...evalArgs,
    ],
  }));
  assertAllSucceeded(await runInParallel(evaluate, jobs));

  const scores = candidates.map((c) => {
    const s = readJson<{ scores: FolderScores }>(
      path.join(c.dir, 'eval', `masker__${name}.json`),
      'delete it to score that seed again',
    )!.scores;
    const localisation = s.localisation
      ? {
          accuracy: 1 - s.localisation.error,
          meanIoU: s.localisation.meanIoU,
          alpha: s.localisation.alpha,
        }
      : null;
    return {
      seed: c.seed,
      dir: c.dir,
      localisation,
      meanSaliencyMetric: s.saliencyMetric.mean,
      meanMaskArea: s.meanMaskArea,
    };
  });
  const localised = scores.every((s) => s.localisation !== null);
  const best = localised
    ? bestOnTuning(scores.map((s) => ({ ...s, tuning: s.localisation! })))
    : bestOnCropMetric(scores);
  fs.rmSync(path.join(out, name), { recursive: true, force: true });
  fs.cpSync(path.join(best.dir, name), path.join(out, name), { recursive: true });
  fs.copyFileSync(path.join(best.dir, `${name}.json`), path.join(out, `${name}.json`));
  writeJsonAtomic(path.join(out, `selection-${name}.json`), {
    blackBox: name,
    rule: localised
      ? `highest localisation accuracy on the held-out images of ${opts.tuneData} (ties: higher mean IoU, then smaller seed)`
      : `lowest mean crop metric on the held-out images of ${opts.tuneData}, which have no ground-truth boxes (ties: smaller seed)`,
    chosenSeed: best.seed,
    candidates: scores.map(({ dir, ...rest }) => ({
      ...rest,
      dir: path.relative(process.cwd(), dir),
    })),
    data: opts.data,
    tuneData: opts.tuneData,
    encoder: opts.encoder,
    trainArgs: opts.trainArgs,
    evalArgs: evalArgs.join(' '),
    run: runMetadata(startedAt),
  });
  console.log(
    `${name}: seed ${best.seed} (${scores.map((s) => `${s.seed}: ${localised ? `localisation ${s.localisation!.accuracy.toFixed(3)}` : `crop metric ${s.meanSaliencyMetric.toFixed(3)}`}`).join(', ')}) → ${path.join(out, name)}`,
  );
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const command = program(
    'Train the masker with several seeds and keep the best on held-out images; with --model, --data and --tune-data for your own classifier',
  ).option('--black-box <name>', `${ARCHITECTURE_NAMES.join(' | ')} | all`, 'all');
  addModelFlags(command, false);
  command
    .option('--data <path>', 'with --model: the images to train on (see train-masker.ts --data)')
    .option(
      '--tune-data <path>',
      'with --model: held-out images, none of them in --data, on which the seed is chosen (by localisation where they have VOC boxes, else by the crop metric)',
    )
    .option('--encoder <encoder>', `with --model: ${ENCODER_FORMS}`, 'own')
    .option(
      '--on-bad-image <policy>',
      `with --model: an image the decoder rejects: ${BAD_IMAGE_POLICIES.join(' | ')}`,
      'fail',
    )
    .option('--seeds <list>', 'seeds to train', '0,1,2')
    .option('--train-args <args>', 'further train-masker.ts flags, space-separated', '')
    .option(
      '--eval-args <args>',
      `evaluate.ts image counts (with --model default none: every image of --tune-data)`,
      KIT_EVAL_ARGS,
    )
    .option(
      '--work <dir>',
      'candidates folder (with --model: default <out>/seeds/<model name>)',
      path.join(RESULTS_DIR, 'maskers', 'seeds'),
    )
    .option(
      '--out <dir>',
      `where the chosen masker goes (with --model: default ${path.relative(process.cwd(), MODEL_MASKERS_DIR)})`,
      path.join(RESULTS_DIR, 'maskers'),
    )
    .option('--jobs <n>', 'parallel processes', '1');
  const opts = addShardFlags(command, 'black-box × seed candidates (steps 1 and 2)')
    .parse()
    .opts<Options>();
  if (opts.model !== undefined) return selectForModel(opts, command, startedAt);
  rejectGiven(
    command,
    [...MODEL_DECLARATION_KEYS, 'data', 'tuneData', 'encoder', 'onBadImage'],
    'applies only with --model',
  );
  const blackBox = parseChoice(opts.blackBox, [...ARCHITECTURE_NAMES, 'all'], '--black-box');
  const blackBoxes = blackBox === 'all' ? [...ARCHITECTURE_NAMES] : [blackBox];
  const seeds = parseNumberList(opts.seeds, '--seeds', NON_NEGATIVE_INTEGER);
  const jobs = parsePositiveInteger(opts.jobs, '--jobs');
  checkOutputPath(opts.work, '--work', 'folder');
  checkOutputPath(opts.out, '--out', 'folder');
  await initEngine(); // for the run metadata; the children do the tensor work
  const candidates = blackBoxes.flatMap((bb) =>
    seeds.map((seed) => ({ bb, seed, dir: path.join(opts.work, bb, `seed-${seed}`) })),
  );
  if (opts.countUnits) return printUnitCount(candidates.length, opts.work);
  const shard = parseShard(opts.shard);
  const mine = shardItems(candidates, shard);
  const trained = (c: (typeof candidates)[number]) => path.join(c.dir, `${c.bb}.json`);
  const scored = (c: (typeof candidates)[number]) =>
    path.join(c.dir, 'eval', `masker__${c.bb}.json`);

  const train: ChildRun[] = mine
    .filter((c) => !fs.existsSync(trained(c)))
    .map((c) => ({
      label: `${c.bb}/seed-${c.seed}`,
      script: path.join(__dirname, 'train-masker.ts'),
      args: [
        '--black-box',
        c.bb,
        '--seed',
        String(c.seed),
        '--out',
        c.dir,
        '--checkpoints',
        path.join(c.dir, 'checkpoints'),
        ...split(opts.trainArgs),
      ],
    }));
  assertAllSucceeded(await runInParallel(train, jobs));
  const evaluate: ChildRun[] = mine.map((c) => ({
    label: `${c.bb}/seed-${c.seed}`,
    script: path.join(__dirname, 'evaluate.ts'),
    args: [
      '--methods',
      'masker',
      '--black-boxes',
      c.bb,
      '--masker-dir',
      c.dir,
      '--out',
      path.join(c.dir, 'eval'),
      ...split(opts.evalArgs),
    ],
  }));
  assertAllSucceeded(await runInParallel(evaluate, jobs));
  if (shard.count > 1) {
    console.log(
      `shard ${shard.index}/${shard.count}: ${mine.length} candidates trained and scored; the choice is left to a run without --shard`,
    );
    return;
  }

  for (const bb of blackBoxes) {
    const scores = candidates
      .filter((c) => c.bb === bb)
      .map((c) => {
        const s = readJson<PairResultFile>(scored(c), 'delete it to score that seed again')!.scores;
        return {
          seed: c.seed,
          dir: c.dir,
          tuning: s.tuning,
          test: {
            localisationError: s.localisation.error,
            meanSaliencyMetric: s.saliencyMetric.mean,
            meanMaskArea: s.meanMaskArea,
          },
        };
      });
    const best = bestOnTuning(scores);
    fs.rmSync(path.join(opts.out, bb), { recursive: true, force: true });
    fs.cpSync(path.join(best.dir, bb), path.join(opts.out, bb), { recursive: true });
    fs.copyFileSync(path.join(best.dir, `${bb}.json`), path.join(opts.out, `${bb}.json`));
    writeJsonAtomic(path.join(opts.out, `selection-${bb}.json`), {
      blackBox: bb,
      rule: 'highest localisation accuracy on the held-out tuning images (ties: higher mean IoU, then smaller seed); test scores listed, not used',
      chosenSeed: best.seed,
      candidates: scores.map(({ dir, tuning, ...rest }) => ({
        ...rest,
        dir: path.relative(process.cwd(), dir),
        tuning: { accuracy: tuning.accuracy, meanIoU: tuning.meanIoU, alpha: tuning.alpha },
      })),
      trainArgs: opts.trainArgs,
      evalArgs: opts.evalArgs,
      run: runMetadata(startedAt),
    });
    console.log(
      `${bb}: seed ${best.seed} (tuning accuracy ${scores.map((s) => `${s.seed}: ${s.tuning.accuracy.toFixed(3)}`).join(', ')}) → ${path.join(opts.out, bb)}`,
    );
  }
}

runMain(main);
