/**
 * A resumable benchmark over (method, black box) pairs, in the spirit of
 * TorchRay's benchmark objects: each pair is evaluated by `evaluatePair` and
 * written to its own results file `<out>/<method>__<blackbox>.json`
 * (atomically), and a pair whose file already holds the same config hash is
 * skipped, so an interrupted run picks up where it stopped. `force` re-runs
 * every pair.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { readJson, RunMetadata, runMetadata, writeJsonAtomic } from '../io/results';
import { EvaluationConfig, PairPlan, pairFingerprint, planPair } from './config';
import { evaluatePair, EvaluationProgress, PairEvaluation } from './evaluate-pair';
import type { EvaluationBlackBox } from '../classifiers/kit-black-boxes';
import { MethodResources, NO_METHOD_RESOURCES } from '../methods/registry';

/** Where `experiments/paper/evaluate.ts` writes results by default (relative to the repository). */
export const DEFAULT_EVALUATION_DIR = path.join('results', 'evaluation');

/** One results file. */
export interface PairResultFile extends PairEvaluation {
  /** The ablation setting the pair was run under (ablation sweeps only). */
  setting?: object;
  method: string;
  blackBox: string;
  /** Copied from `plan.configHash`: what a re-run compares. */
  configHash: string;
  plan: PairPlan;
  /** The evaluation configuration the plan came from. */
  config: EvaluationConfig;
  seed: number;
  run: RunMetadata;
}

/** The results file of a pair. */
export function pairResultPath(outDir: string, method: string, blackBox: string): string {
  return path.join(outDir, `${method}__${blackBox}.json`);
}

/** Options of {@link runBenchmark}. */
export interface BenchmarkOptions {
  /** Results folder; default {@link DEFAULT_EVALUATION_DIR}. */
  outDir: string;
  /** Re-run pairs whose file is already there with the same config hash; default false. */
  force: boolean;
  /** The results file of a pair; default {@link pairResultPath} in `outDir`. */
  resultPath?: (method: string, blackBox: string) => string;
  /** Called when a pair starts (after the skip check). */
  onPairStart?: (plan: PairPlan) => void;
  /** Called after every batch of a pair. */
  onProgress?: (plan: PairPlan, progress: EvaluationProgress) => void;
  /** Called when a pair is written or skipped. */
  onPairEnd?: (outcome: PairOutcome) => void;
  /** Written into every results file as `setting` (ablation sweeps); default none. */
  setting?: object;
  /** What the methods loaded for each black box, by its name (`prepareMethods`: the trained masker); default none. */
  resources?: ReadonlyMap<string, MethodResources>;
}

/** The defaults of {@link BenchmarkOptions}. */
export const DEFAULT_BENCHMARK_OPTIONS: Readonly<BenchmarkOptions> = Object.freeze({
  outDir: DEFAULT_EVALUATION_DIR,
  force: false,
});

/** What happened to one pair. */
export interface PairOutcome {
  plan: PairPlan;
  file: string;
  /** `'evaluated'`: written now; `'skipped'`: already finished with the same config hash. */
  status: 'evaluated' | 'skipped';
}

/**
 * True when `file` holds a finished result with the plan's config hash (a pair's, or any plan's with one).
 * @throws naming the file and the remedy when it is not valid JSON (results
 *   are written atomically, so such a file was damaged after it was written).
 */
export function isFinished(file: string, plan: Pick<PairPlan, 'configHash'>): boolean {
  return (
    readJson<Partial<PairResultFile>>(
      file,
      'delete it to run it again, or re-run with --force to redo them all',
    )?.configHash === plan.configHash
  );
}

/**
 * Evaluates every method on every black box, one results file per pair.
 * Black boxes stay the caller's (not disposed).
 * @throws after writing a pair's file when the pair left tensors behind
 *   (the count is in the file), and on the first failing pair.
 */
export async function runBenchmark(
  methods: readonly string[],
  blackBoxes: readonly EvaluationBlackBox[],
  config: EvaluationConfig,
  options: Partial<BenchmarkOptions> = {},
): Promise<PairOutcome[]> {
  const opts: BenchmarkOptions = { ...DEFAULT_BENCHMARK_OPTIONS, ...options };
  const outcomes: PairOutcome[] = [];
  for (const bb of blackBoxes) {
    const resources = opts.resources?.get(bb.name) ?? NO_METHOD_RESOURCES;
    for (const method of methods) {
      const startedAt = new Date();
      const fingerprint = pairFingerprint(bb.fingerprint, resources.fingerprints[method]);
      const plan = planPair(method, bb.name, fingerprint, config);
      const file = opts.resultPath
        ? opts.resultPath(method, bb.name)
        : pairResultPath(opts.outDir, method, bb.name);
      if (!opts.force && isFinished(file, plan)) {
        outcomes.push({ plan, file, status: 'skipped' });
        opts.onPairEnd?.(outcomes[outcomes.length - 1]);
        continue;
      }
      opts.onPairStart?.(plan);
      const evaluation = await evaluatePair(plan, bb.whiteBox, resources.options, (p) =>
        opts.onProgress?.(plan, p),
      );
      const result: PairResultFile = {
        method,
        blackBox: bb.name,
        configHash: plan.configHash,
        setting: opts.setting,
        plan,
        config,
        seed: config.seed,
        ...evaluation,
        run: runMetadata(startedAt),
      };
      writeJsonAtomic(file, result);
      outcomes.push({ plan, file, status: 'evaluated' });
      opts.onPairEnd?.(outcomes[outcomes.length - 1]);
      if (evaluation.tensors.leaked !== 0) {
        throw new Error(
          `${method} on ${bb.name} left ${evaluation.tensors.leaked} tensors behind (tf.memory().numTensors ${evaluation.tensors.start} → ${evaluation.tensors.end}; now ${tf.memory().numTensors})`,
        );
      }
    }
  }
  return outcomes;
}
