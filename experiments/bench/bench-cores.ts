/**
 * One job on every core, against PyTorch on the same CPU (docs/engines.md,
 * "Threads"). In one run, one measurement at a time:
 *   - the kit's residual black box (batch 32, 64×64×3): images/s of inference,
 *     of an Adam training step and of an input gradient, and the trained
 *     masker's masks/s and training-step images/s, on the onednn engine with
 *     each of `--threads` fixed (SALIENCY_THREADS) and with the default budget
 *     (every free core): experiments/bench/bench-models.ts in a child process;
 *   - the same net in PyTorch at the same thread counts, both memory layouts
 *     (experiments/bench/torch-residual-net.py, Debian's python3-torch,
 *     installed here when missing and this process may; else skipped with
 *     the reason);
 *   - with `--competing` (default on), the kit again while another process
 *     keeps one core busy: default budget against a fixed count of every
 *     core, to show the default does not collapse.
 * The kit and PyTorch at the highest thread count (and the kit's default
 * budget) are measured in `--rounds` rounds, back to back within a round, as
 * the host's load drifts within minutes; the other counts in the first round.
 * Writes `--out` (default results/bench-cores.json) with every row, the
 * kit/PyTorch ratios at the highest thread count per round and their
 * medians, the masker's medians and the load average.
 *
 * Run: npx ts-node --transpile-only experiments/bench/bench-cores.ts
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initEngine } from '../../lib/engine/backend';
import { RESULTS_DIR, runMetadata, writeJsonAtomic } from '../../lib/io/results';
import {
  checkOutputPath,
  parseNumber,
  POSITIVE_INTEGER,
  POSITIVE_NUMBER,
  program,
  runMain,
} from '../../lib/commands/cli';
import { UserError } from '../../lib/core/user-error';

interface Options {
  threads: string;
  seconds: string;
  rounds: string;
  pytorch: boolean;
  competing: boolean;
  out: string;
}

/** The three measures of the residual net, as both systems report them. */
interface NetSpeeds {
  inferenceImagesPerSec: number;
  trainStepImagesPerSec: number;
  inputGradientImagesPerSec: number;
}
const NET_MEASURES: readonly (keyof NetSpeeds)[] = [
  'inferenceImagesPerSec',
  'trainStepImagesPerSec',
  'inputGradientImagesPerSec',
];

interface KitRow extends NetSpeeds {
  system: 'kit';
  /** The thread budget: a fixed count, or `default` (every free core). */
  threads: number | 'default';
  /** Whether another process kept one core busy meanwhile. */
  competing: boolean;
  /** The round it was measured in (see `--rounds`). */
  round: number;
  maskerMasksPerSec: number;
  maskerTrainStepImagesPerSec: number;
}

interface TorchRow extends NetSpeeds {
  system: 'pytorch';
  threads: number;
  layout: 'contiguous' | 'channels_last';
  torch: string;
  round: number;
}

const BENCH_MODELS = path.join(__dirname, 'bench-models.ts');
/** Debian's interpreter, where apt's python3-torch lives; a `python3` earlier on PATH (pyenv, conda) may lack it. */
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const TORCH_SCRIPT = path.join(__dirname, 'torch-residual-net.py');

/** The kit's figures from one bench-models child, with `threads` fixed or the default budget. */
function measureKit(
  threads: number | 'default',
  seconds: number,
  competing: boolean,
  dir: string,
  round: number,
): KitRow {
  const out = path.join(dir, `kit-${threads}-${competing ? 'competing' : 'alone'}.json`);
  const env: NodeJS.ProcessEnv = { ...process.env, SALIENCY_BACKEND: 'onednn' };
  for (const name of ['SALIENCY_THREADS', 'OMP_NUM_THREADS', 'SALIENCY_CORES']) delete env[name];
  if (threads !== 'default') env.SALIENCY_THREADS = String(threads);
  const args = [
    require.resolve('ts-node/dist/bin'),
    '--transpile-only',
    BENCH_MODELS,
    '--engines',
    'onednn',
    '--archs',
    'residual',
    '--seconds',
    String(seconds),
    '--out',
    out,
  ];
  const run = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (run.status !== 0)
    throw new Error(`bench-models (threads ${threads}) failed with exit ${run.status}`);
  const result = JSON.parse(fs.readFileSync(out, 'utf8'));
  const [net] = result.results;
  const [masker] = result.masker;
  return {
    system: 'kit',
    threads,
    competing,
    round,
    inferenceImagesPerSec: net.inferenceImagesPerSec,
    trainStepImagesPerSec: net.trainStepImagesPerSec,
    inputGradientImagesPerSec: net.inputGradientImagesPerSec,
    maskerMasksPerSec: masker.masksPerSec,
    maskerTrainStepImagesPerSec: masker.trainStepImagesPerSec,
  };
}

/** Whether Python can import torch; tries `apt-get install python3-torch` once as root. */
function torchAvailable(): { ok: true } | { ok: false; reason: string } {
  const importable = () =>
    spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
  if (importable()) return { ok: true };
  if (process.getuid?.() !== 0)
    return {
      ok: false,
      reason: `${PYTHON} cannot import torch; apt-get install python3-torch (as root)`,
    };
  console.log('installing python3-torch (Debian) for the PyTorch rows ...');
  const install = spawnSync('apt-get', ['install', '-y', 'python3-torch'], { stdio: 'ignore' });
  if (install.status !== 0 || !importable())
    return { ok: false, reason: `apt-get install python3-torch failed (exit ${install.status})` };
  return { ok: true };
}

function measureTorch(threads: number, seconds: number, round: number): TorchRow[] {
  const text = execFileSync(
    PYTHON,
    [TORCH_SCRIPT, '--threads', String(threads), '--seconds', String(seconds)],
    { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(threads) } },
  );
  return text
    .trim()
    .split('\n')
    .map((line) => ({ ...JSON.parse(line), round }));
}

/** The middle value (the mean of the two middle ones for an even count). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A process that keeps one core busy until killed. */
function busyProcess(): ChildProcess {
  return spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
}

function parseThreadList(value: string): number[] {
  const counts = value.split(',').map((s) => Number(s.trim()));
  if (counts.some((n) => !(Number.isInteger(n) && n >= 1 && n <= 1024)))
    throw new UserError(`--threads must be a list of integers from 1 to 1024, got '${value}'`);
  return counts;
}

const round = (n: number) => Math.round(n);

async function main() {
  const opts = program('Images/s of the kit on 1..N threads against PyTorch on the same CPU')
    .option('--threads <list>', 'fixed thread counts to measure', `1,${os.availableParallelism()}`)
    .option('--seconds <s>', 'minimum seconds per measurement', '3')
    .option(
      '--rounds <n>',
      'rounds of the kit and PyTorch at the most threads, alternated (ratios are per round, then the median)',
      '3',
    )
    .option('--no-pytorch', 'skip the PyTorch rows')
    .option('--no-competing', 'skip the rows measured beside a busy process')
    .option('--out <file>', 'results file', path.join(RESULTS_DIR, 'bench-cores.json'))
    .parse()
    .opts<Options>();
  const counts = parseThreadList(opts.threads);
  const seconds = parseNumber(opts.seconds, '--seconds', POSITIVE_NUMBER);
  const rounds = parseNumber(opts.rounds, '--rounds', POSITIVE_INTEGER);
  const top = Math.max(...counts);
  checkOutputPath(opts.out, '--out', 'file');
  await initEngine({ engine: 'onednn' });
  const started = new Date();
  const loadAtStart = os.loadavg()[0];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cores-'));
  const kit: KitRow[] = [];
  const torch: TorchRow[] = [];
  let torchSkipped: string | undefined;
  try {
    const available = opts.pytorch ? torchAvailable() : undefined;
    if (available && !available.ok) torchSkipped = available.reason;
    // The host's load drifts within minutes: each round measures the kit and
    // PyTorch at the most threads back to back, every count in the first round only.
    for (let r = 0; r < rounds; r++) {
      for (const threads of [...(r === 0 ? counts : [top]), 'default' as const]) {
        console.log(`round ${r + 1}/${rounds}: kit, threads ${threads} ...`);
        kit.push(measureKit(threads, seconds, false, dir, r));
      }
      if (available?.ok)
        for (const threads of r === 0 ? counts : [top]) {
          console.log(`round ${r + 1}/${rounds}: pytorch, threads ${threads} ...`);
          torch.push(...measureTorch(threads, seconds, r));
        }
    }
    if (opts.competing) {
      const busy = busyProcess();
      try {
        for (const threads of ['default' as const, top]) {
          console.log(`kit, threads ${threads}, beside a busy process ...`);
          kit.push(measureKit(threads, seconds, true, dir, 0));
        }
      } finally {
        busy.kill();
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  /**
   * Each measure of the kit at `threads` over PyTorch's better layout at
   * `top` threads, per round; the medians over the rounds.
   */
  const overPytorch = (threads: KitRow['threads']) =>
    Object.fromEntries(
      NET_MEASURES.map((m) => {
        const perRound = Array.from({ length: rounds }, (_, r) => {
          const row = kit.find((k) => k.threads === threads && !k.competing && k.round === r)!;
          const best = Math.max(
            ...torch.filter((t) => t.threads === top && t.round === r).map((t) => t[m]),
          );
          return { kit: row[m], pytorchBest: best, ratio: row[m] / best };
        });
        return [
          m,
          {
            kit: median(perRound.map((p) => p.kit)),
            pytorchBest: median(perRound.map((p) => p.pytorchBest)),
            ratio: median(perRound.map((p) => p.ratio)),
            ratios: perRound.map((p) => p.ratio),
          },
        ];
      }),
    );
  // The kit fixed at `top` threads, and its default budget (every free core: `top` on a quiet machine).
  const kitOverPytorch = torch.length
    ? { [`threads${top}`]: overPytorch(top), default: overPytorch('default') }
    : undefined;
  /** The masker's figures: the median over the rounds of each kit row alone. */
  const maskerMedians = Object.fromEntries(
    [top, 'default' as const].map((threads) => {
      const rows = kit.filter((k) => k.threads === threads && !k.competing);
      return [
        threads === top ? `threads${top}` : 'default',
        {
          masksPerSec: median(rows.map((k) => k.maskerMasksPerSec)),
          trainStepImagesPerSec: median(rows.map((k) => k.maskerTrainStepImagesPerSec)),
        },
      ];
    }),
  );

  console.log(
    '\nround system   threads  layout         inference  train step  input grad  masks/s  masker train',
  );
  for (const r of kit)
    console.log(
      `${String(r.round + 1).padEnd(5)} kit      ${String(r.threads).padEnd(8)} ${(r.competing ? 'beside busy' : '').padEnd(14)} ${String(round(r.inferenceImagesPerSec)).padStart(9)}  ${String(round(r.trainStepImagesPerSec)).padStart(10)}  ${String(round(r.inputGradientImagesPerSec)).padStart(10)}  ${String(round(r.maskerMasksPerSec)).padStart(7)}  ${String(round(r.maskerTrainStepImagesPerSec)).padStart(12)}`,
    );
  for (const r of torch)
    console.log(
      `${String(r.round + 1).padEnd(5)} pytorch  ${String(r.threads).padEnd(8)} ${r.layout.padEnd(14)} ${String(round(r.inferenceImagesPerSec)).padStart(9)}  ${String(round(r.trainStepImagesPerSec)).padStart(10)}  ${String(round(r.inputGradientImagesPerSec)).padStart(10)}`,
    );
  if (torchSkipped) console.log(`PyTorch rows skipped: ${torchSkipped}`);
  if (kitOverPytorch)
    for (const [row, ratios] of Object.entries(kitOverPytorch))
      console.log(
        `kit (${row}) / best PyTorch layout at ${top} threads, median of ${rounds} rounds: ` +
          NET_MEASURES.map(
            (m) =>
              `${m} ${ratios[m].ratio.toFixed(2)} (${ratios[m].ratios.map((x) => x.toFixed(2)).join(', ')})`,
          ).join('; '),
      );
  for (const [row, m] of Object.entries(maskerMedians))
    console.log(
      `masker (${row}), median of ${rounds} rounds: ${round(m.masksPerSec)} masks/s, training step ${round(m.trainStepImagesPerSec)} img/s`,
    );

  writeJsonAtomic(opts.out, {
    meta: runMetadata(started),
    config: { batch: 32, inputSize: [64, 64, 3], threads: counts, minSeconds: seconds, rounds },
    rows: [...kit, ...torch],
    kitOverPytorch,
    maskerMedians,
    targets: {
      residualNet: 'each measure ≥ the better PyTorch layout at the same thread count',
      maskerMasksPerSec: 2500,
      maskerTrainStepImagesPerSec: 400,
    },
    pytorchSkipped: torchSkipped,
    loadAverage: { atStart: loadAtStart, atEnd: os.loadavg()[0] },
  });
  console.log(`wrote ${path.relative(process.cwd(), opts.out)}`);
}

runMain(main);
