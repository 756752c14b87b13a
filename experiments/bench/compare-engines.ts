/**
 * A TF.js model's input gradient on every engine that starts here, against
 * the pure-JavaScript `cpu` backend: the check to run on a model the kit did
 * not build before trusting a fast engine with it. For each engine: the time
 * of one gradient of the batch (after a warm-up) and, per image, the
 * relative difference max |g − g_cpu| / max |g_cpu|. Where an image differs
 * by more than `--tolerance`, the cpu gradient is taken again with the input
 * moved by 1e-6: if cpu itself moves as much, the image sits on a kink of the
 * network (a ReLU or max pool switching), where float rounding alone picks
 * the side, and the difference is the gradient's, not the engine's.
 *
 * Run: npx ts-node --transpile-only experiments/bench/compare-engines.ts \
 *        --model path/to/model.json --preprocessing range:-1,1
 */
import * as tf from '@tensorflow/tfjs';
import { EngineName, ENGINE_PREFERENCE, initEngine } from '../../lib/engine/backend';
import { loadTfjsModel } from '../../lib/classifiers/load-tfjs-model';
import {
  addModelFlags,
  ModelFlags,
  modelOptionsFromFlags,
} from '../../lib/classifiers/model-flags';
import { classProbability } from '../../lib/methods/inputs';
import {
  NON_NEGATIVE_INTEGER,
  parseChoiceList,
  parseNumber,
  POSITIVE_INTEGER,
  POSITIVE_NUMBER,
  program,
  runMain,
} from '../../lib/commands/cli';
import { runMetadata, writeJsonAtomic } from '../../lib/io/results';

interface Options extends ModelFlags {
  batch: string;
  seed: string;
  engines: string;
  tolerance: string;
  out?: string;
}

/** Relative difference of each image's gradient from the reference's: max |a − b| / max |b| over the image. */
function perImage(a: Float32Array, b: Float32Array, images: number): number[] {
  const size = b.length / images;
  return Array.from({ length: images }, (_, n) => {
    let diff = 0;
    let scale = 0;
    for (let i = n * size; i < (n + 1) * size; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
      scale = Math.max(scale, Math.abs(b[i]));
    }
    return scale === 0 ? diff : diff / scale;
  });
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function main(): Promise<void> {
  const opts = addModelFlags(
    program("Compare a model's input gradient on every engine with the cpu backend"),
  )
    .option('--batch <n>', 'images per gradient', '32')
    .option('--seed <n>', 'seed of the random images', '1')
    .option(
      '--engines <list>',
      `engines to compare with cpu (default: every one that starts): ${ENGINE_PREFERENCE.join(', ')}`,
    )
    .option('--tolerance <x>', 'relative difference above which an image is examined', '1e-4')
    .option('--out <file>', 'also write the figures to this JSON file')
    .parse()
    .opts<Options>();
  const { location, options: load } = modelOptionsFromFlags(opts);
  const batch = parseNumber(opts.batch, '--batch', POSITIVE_INTEGER);
  const seed = parseNumber(opts.seed, '--seed', NON_NEGATIVE_INTEGER);
  const tolerance = parseNumber(opts.tolerance, '--tolerance', POSITIVE_NUMBER);
  const requested = opts.engines
    ? parseChoiceList(opts.engines, ENGINE_PREFERENCE, '--engines')
    : ENGINE_PREFERENCE.filter((e) => e !== 'cpu');
  const startedAt = new Date();

  /** The gradient of the batch's class probabilities on the current engine, its time, and the classes used. */
  const gradient = async (shift = 0) => {
    const loaded = await loadTfjsModel(location, load);
    try {
      const {
        inputSize: [h, w],
        channels,
      } = loaded.blackBox;
      const images = tf.tidy(
        () =>
          tf.clipByValue(
            tf.add(tf.randomUniform([batch, h, w, channels], 0, 1, 'float32', seed), shift),
            0,
            1,
          ) as tf.Tensor4D,
      );
      const classes = Array.from(
        { length: batch },
        (_, i) => i % loaded.blackBox.classNames.length,
      );
      const run = () =>
        tf.tidy(() =>
          tf.grad((x) =>
            tf.sum(classProbability(loaded.blackBox.predict(x as tf.Tensor4D), classes)),
          )(images),
        );
      tf.dispose(run());
      const t0 = performance.now();
      const g = run();
      const values = Float32Array.from(await g.data());
      const ms = performance.now() - t0;
      tf.dispose([g, images]);
      return { values, ms };
    } finally {
      loaded.dispose();
    }
  };

  await initEngine({ engine: 'cpu' });
  const metadata = runMetadata(startedAt);
  const reference = await gradient();
  const rows: Record<string, unknown>[] = [{ engine: 'cpu', msPerGradient: reference.ms }];
  console.log(`cpu: ${reference.ms.toFixed(0)} ms per gradient of ${batch} images`);
  let cpuShifted: Float32Array | undefined;
  for (const engine of requested as EngineName[]) {
    try {
      await initEngine({ engine });
    } catch (err) {
      console.log(`${engine}: skipped (${(err as Error).message.split('\n')[0]})`);
      rows.push({ engine, skipped: (err as Error).message.split('\n')[0] });
      continue;
    }
    const { values, ms } = await gradient();
    const errors = perImage(values, reference.values, batch);
    const sorted = [...errors].sort((a, b) => a - b);
    const above = errors.map((e, n) => ({ e, n })).filter(({ e }) => e > tolerance);
    let onKinks = 0;
    if (above.length) {
      if (!cpuShifted) {
        await initEngine({ engine: 'cpu' });
        cpuShifted = (await gradient(1e-6)).values;
        await initEngine({ engine });
      }
      const cpuMoves = perImage(cpuShifted, reference.values, batch);
      onKinks = above.filter(({ e, n }) => cpuMoves[n] >= 0.5 * e).length;
    }
    const row = {
      engine,
      msPerGradient: ms,
      speedupOverCpu: reference.ms / ms,
      relativeDifference: {
        median: quantile(sorted, 0.5),
        p90: quantile(sorted, 0.9),
        max: sorted[sorted.length - 1],
      },
      imagesAboveTolerance: above.length,
      ofWhichCpuMovesAsMuchUnderA1e6Shift: onKinks,
    };
    rows.push(row);
    console.log(
      `${engine}: ${ms.toFixed(0)} ms (${row.speedupOverCpu.toFixed(0)}x cpu); relative difference median ${row.relativeDifference.median.toExponential(1)}, ` +
        `max ${row.relativeDifference.max.toExponential(1)}; ${above.length} of ${batch} images above ${tolerance}` +
        (above.length
          ? `, ${onKinks} of them on a kink (cpu moves as much when the input moves by 1e-6)`
          : ''),
    );
  }
  if (opts.out) {
    writeJsonAtomic(opts.out, {
      metadata,
      config: { model: location, ...load, batch, seed, tolerance },
      engines: rows,
    });
    console.log(`wrote ${opts.out}`);
  }
}

runMain(main);
