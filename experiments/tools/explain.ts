/**
 * Explains any image classifier on the user's own images: for each image,
 * the model's top classes (or the classes named), a saliency map of each
 * method, scored with the crop metric of Dabkowski & Gal (2017), "Real Time
 * Image Saliency for Black Box Classifiers", §5.1, and drawn as a contact
 * sheet. Writes `<out>/sheets/<image>.png` and `<out>/explain.json`
 * (lib/explain/explain-output.ts); a re-run skips the images already done.
 *
 * Run: npx ts-node --transpile-only experiments/tools/explain.ts --model my-model/ --input photos/ --out explained/
 */
import * as path from 'path';
import * as cliProgress from 'cli-progress';
import * as tf from '@tensorflow/tfjs';
import {
  checkOutputPath,
  parseChoice,
  parseChoiceList,
  program,
  runMain,
} from '../../lib/commands/cli';
import { configHash } from '../../lib/core/config-hash';
import { BAD_IMAGE_POLICIES, ImageFolder, openImageFolder } from '../../lib/data/image-folder';
import type { ImageChannels } from '../../lib/data/image-decode';
import { DEFAULT_IMAGE_FIT, IMAGE_FITS } from '../../lib/data/image-fit';
import { IMAGE_LAYOUTS } from '../../lib/data/image-layout';
import { initEngine } from '../../lib/engine/backend';
import { parseMethodOptions } from '../../lib/commands/evaluation-flags';
import {
  DEFAULT_MODEL_METHODS,
  ModelMethod,
  methodsForModel,
} from '../../lib/methods/model-methods';
import {
  ClassChoice,
  DEFAULT_CLASS_CHOICE,
  parseClassChoice,
} from '../../lib/explain/class-choice';
import { explainImage } from '../../lib/explain/explain-image';
import {
  EXPLAIN_RESULTS_FILE,
  ExplainedImageRecord,
  ExplainResults,
  finishedImages,
  sharedFolder,
  sheetPath,
  SHEETS_FOLDER,
} from '../../lib/explain/explain-output';
import { explanationSheet } from '../../lib/explain/explanation-sheet';
import { LoadedTfjsModel, loadTfjsModel } from '../../lib/classifiers/load-tfjs-model';
import { hashFolder } from '../../lib/classifiers/model-fingerprint';
import { modelRecord } from '../../lib/classifiers/model-record';
import {
  addModelFlags,
  ModelFlags,
  modelOptionsFromFlags,
} from '../../lib/classifiers/model-flags';
import { writeContactSheet } from '../../lib/plot/contact-sheet';
import { runMetadata, writeJsonAtomic } from '../../lib/io/results';
import { addRegisterFlag, loadMethodModules } from '../../lib/commands/method-modules';
import { saliencyMethodNames } from '../../lib/methods/registry';
import { checkMaskerFlags, loadModelMasker } from '../../lib/masker/model-masker';
import { UserError } from '../../lib/core/user-error';

interface Options extends ModelFlags {
  register?: string;
  input: string;
  out: string;
  methods?: string;
  methodOptions: string;
  masker?: string;
  featureModel?: string;
  classes?: string;
  onBadImage: string;
  layout: string;
  fit: string;
  force?: boolean;
}

/** Version of what an image's record holds; part of the configuration hash. */
const EXPLAIN_PROTOCOL_VERSION = 1;

function parseArgs(): Options {
  const command = program(
    'Explain a classifier on your own images: per image a contact sheet (image | one column per method, one row per class, the salient box dashed) ' +
      `and, in <out>/${EXPLAIN_RESULTS_FILE}, per image, class and method: the model's probability, the crop metric s(a, p) of Dabkowski & Gal ` +
      "(lower is better: a small box that keeps the class), the mean mask value, the salient box and the seconds per mask (the first image's include the engine's warm-up). " +
      'Images already explained with the same settings are skipped unless --force.',
  );
  addModelFlags(command);
  addRegisterFlag(command);
  return command
    .requiredOption(
      '--input <path>',
      'the images: an image file, a folder (class sub-folders, a labels.csv, or images directly in it) or a glob pattern such as "photos/*.jpg"',
    )
    .requiredOption('--out <dir>', `output folder: sheets/<image>.png and ${EXPLAIN_RESULTS_FILE}`)
    .option(
      '--methods <list>',
      `comma-separated, from ${saliencyMethodNames().join(', ')} (default: ${DEFAULT_MODEL_METHODS.join(', ')}, and masker with --masker; grad-cam left out with a note when the model has no spatial feature map)`,
    )
    .option(
      '--masker <dir>',
      'a masker trained for this model (experiments/paper/train-masker.ts --model): adds the masker to the default methods',
    )
    .option(
      '--feature-model <path>',
      'with --masker: the feature model a masker trained with --encoder <feature model> was trained on, when it is no longer where the masker records it',
    )
    .option(
      '--method-options <json>',
      'options per method, e.g. {"occlusion":{"patchSize":16}}',
      '{}',
    )
    .option(
      '--classes <spec>',
      `top-K (the model's K most probable classes), class names or class indices, comma-separated (default ${DEFAULT_CLASS_CHOICE}, or all classes of a model with fewer)`,
    )
    .option(
      '--on-bad-image <policy>',
      `an image the decoder rejects: ${BAD_IMAGE_POLICIES.join(' | ')} (skip lists it in ${EXPLAIN_RESULTS_FILE})`,
      'fail',
    )
    .option(
      '--layout <layout>',
      `how the folder labels its images: auto | ${IMAGE_LAYOUTS.join(' | ')}`,
      'auto',
    )
    .option(
      '--fit <fit>',
      `how images are fitted to the model's input: ${IMAGE_FITS.join(' | ')}`,
      DEFAULT_IMAGE_FIT,
    )
    .option('--force', 'explain every image again, also those already done')
    .parse()
    .opts<Options>();
}

/** The image's title on its sheet: its path under the shared folder, and its true class when labelled. */
function sheetTitle(file: string, base: string, label: ExplainedImageRecord['label']): string {
  const name = path.relative(base, path.resolve(file));
  return label ? `${name} (true class ${label.name})` : name;
}

/** Explains the image at `index` of the folder; undefined when the decoder rejected it (with --on-bad-image skip). */
async function explainEntry(
  folder: ImageFolder,
  index: number,
  loaded: LoadedTfjsModel,
  choice: ClassChoice,
  methods: readonly ModelMethod[],
  outDir: string,
  base: string,
): Promise<ExplainedImageRecord | undefined> {
  const batch = await folder.batch([index]);
  try {
    if (batch.entries.length === 0) return undefined;
    const [entry] = batch.entries;
    const label = batch.labels
      ? { index: batch.labels[0], name: folder.classNames[batch.labels[0]] }
      : null;
    const explanation = await explainImage(batch.images, loaded.blackBox, choice, methods);
    const [, h, w, c] = batch.images.shape;
    const image = { data: batch.images.dataSync(), height: h, width: w, channels: c };
    const sheet = sheetPath(entry.file, base);
    const input = {
      image,
      title: sheetTitle(entry.file, base, label),
      boxes: batch.boxes[0],
      methods: methods.map((m) => m.name),
    };
    await writeContactSheet(path.join(outDir, sheet), explanationSheet(input, explanation), {
      salientBox: true,
    });
    return {
      file: entry.file,
      sheet,
      label,
      boxes: batch.boxes[0],
      predictions: explanation.predictions,
      classes: explanation.classes,
    };
  } finally {
    batch.images.dispose();
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const opts = parseArgs();
  loadMethodModules(opts.register);
  const { location, options } = modelOptionsFromFlags(opts);
  const requested =
    opts.methods === undefined
      ? undefined
      : parseChoiceList(opts.methods, saliencyMethodNames(), '--methods');
  const methodOptions = parseMethodOptions(opts.methodOptions);
  const onBadImage = parseChoice(opts.onBadImage, BAD_IMAGE_POLICIES, '--on-bad-image');
  const layout = parseChoice(opts.layout, ['auto', ...IMAGE_LAYOUTS] as const, '--layout');
  const fit = parseChoice(opts.fit, IMAGE_FITS, '--fit');
  checkOutputPath(opts.out, '--out', 'folder');
  checkMaskerFlags(opts.masker, opts.featureModel);
  const info = await initEngine();

  const loaded = await loadTfjsModel(location, options);
  const masker =
    opts.masker === undefined
      ? undefined
      : await loadModelMasker(loaded, opts.masker, opts.featureModel).catch((err) => {
          loaded.dispose();
          throw err;
        });
  try {
    const { blackBox } = loaded;
    const classesSpec = opts.classes ?? `top-${Math.min(3, blackBox.classNames.length)}`;
    const choice = parseClassChoice(classesSpec, blackBox.classNames);
    const folder = await openImageFolder({
      root: opts.input,
      inputSize: blackBox.inputSize,
      channels: blackBox.channels as ImageChannels,
      classNames: blackBox.classNames,
      onBadImage,
      layout,
      fit,
    });
    const { methods, notes } = await methodsForModel(loaded, {
      requested,
      methodOptions,
      masker: masker?.masker,
    });
    notes.forEach((n) => console.log(`note: ${n}`));

    const model = modelRecord(loaded);
    const config = {
      input: opts.input,
      methods: methods.map((m) => m.name),
      methodOptions,
      masker: opts.masker,
      featureModel: opts.featureModel,
      classes: classesSpec,
      onBadImage,
      layout: folder.layout,
      fit,
    };
    const maskerFingerprint = opts.masker === undefined ? undefined : hashFolder(opts.masker);
    const hash = configHash({
      version: EXPLAIN_PROTOCOL_VERSION,
      model,
      methods: config.methods,
      methodOptions,
      choice,
      fit,
      maskerFingerprint,
    });
    const previous = opts.force
      ? { records: new Map<string, ExplainedImageRecord>(), stale: false }
      : finishedImages(opts.out, hash);
    if (previous.stale)
      console.log(
        `note: ${path.join(opts.out, EXPLAIN_RESULTS_FILE)} was made with other settings; explaining every image again`,
      );
    const records = previous.records;
    const base = sharedFolder(folder.entries.map((e) => e.file));
    const todo = folder.entries
      .map((e, i) => ({ file: e.file, i }))
      .filter(({ file }) => !records.has(file));
    console.log(
      `engine ${info.engine}; model '${blackBox.name}' (${blackBox.inputSize.join('×')}×${blackBox.channels}, ${blackBox.classNames.length} classes); ` +
        `${folder.length} images, ${folder.length - todo.length} already done; methods ${config.methods.join(', ')}; classes ${classesSpec} → ${opts.out}`,
    );

    const write = () => {
      const results: ExplainResults = {
        configHash: hash,
        model,
        config,
        engine: { engine: info.engine, backend: info.backend },
        images: folder.entries
          .map((e) => records.get(e.file))
          .filter((r): r is ExplainedImageRecord => r !== undefined),
        skipped: [...folder.skipped],
        warnings: [...folder.warnings, ...notes],
        run: runMetadata(startedAt),
      };
      writeJsonAtomic(path.join(opts.out, EXPLAIN_RESULTS_FILE), results);
    };
    const bar = new cliProgress.SingleBar(
      {
        format: 'explain [{bar}] {value}/{total} images | {file}',
        noTTYOutput: true,
        notTTYSchedule: 20000,
        barsize: 24,
      },
      cliProgress.Presets.shades_classic,
    );
    if (todo.length > 1) bar.start(todo.length, 0, { file: '' });
    for (const [n, { file, i }] of todo.entries()) {
      const tensorsBefore = tf.memory().numTensors;
      const record = await explainEntry(folder, i, loaded, choice, methods, opts.out, base);
      if (tf.memory().numTensors !== tensorsBefore)
        throw new Error(
          `explaining ${file} left ${tf.memory().numTensors - tensorsBefore} tensors behind`,
        );
      if (record) records.set(file, record);
      write();
      if (todo.length > 1) bar.update(n + 1, { file: path.relative(base, path.resolve(file)) });
    }
    if (todo.length > 1) bar.stop();
    if (todo.length === 0) write();
    const skipped = folder.skipped.map((s) => `\n  skipped ${s.file}: ${s.reason}`).join('');
    console.log(
      `${records.size} images explained → ${path.join(opts.out, EXPLAIN_RESULTS_FILE)}, sheets in ${path.join(opts.out, SHEETS_FOLDER)}${skipped}`,
    );
    if (records.size === 0)
      throw new UserError(
        `--input ${opts.input}: none of its ${folder.length} images could be decoded (see skipped in ${path.join(opts.out, EXPLAIN_RESULTS_FILE)})`,
      );
  } finally {
    masker?.dispose();
    loaded.dispose();
  }
}

runMain(main);
