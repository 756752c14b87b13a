/**
 * `npm run fuzz`: the engine's kernels against the cpu backend over thousands
 * of seeded random cases (lib/engine/kernel-fuzz.ts), in worker processes,
 * so that a kernel that kills its process is reported with the cases it was
 * running instead of taking the run down. With `--sanitize` the workers load
 * the AddressSanitizer build of the native addon (`bash scripts/setup.sh
 * --sanitize`) with libasan preloaded, and every sanitizer report is counted.
 * Writes `--out` (default results/fuzz.json): cases, kernels, the largest
 * relative error per kernel, failures, crashes and sanitizer reports.
 *
 * Run: npm run fuzz [-- --cases 3000 --seed 0 --sanitize]
 */
import { execSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SingleBar } from 'cli-progress';
import { EngineName, ENGINE_PREFERENCE, initEngine } from '../../lib/engine/backend';
import {
  FUZZ_KINDS,
  FuzzKind,
  FuzzResult,
  fuzzKernels,
  isFuzzFailure,
} from '../../lib/engine/kernel-fuzz';
import { onednnAddonPath } from '../../lib/engine/onednn/addon';
import {
  NON_NEGATIVE_INTEGER,
  parseChoice,
  parseNumber,
  POSITIVE_INTEGER,
  POSITIVE_NUMBER,
  program,
  runMain,
} from '../../lib/commands/cli';
import { RESULTS_DIR, runMetadata, writeJsonAtomic } from '../../lib/io/results';
import { UserError } from '../../lib/core/user-error';

/** Cases one worker process runs. */
const CHUNK = 200;
/** Prefix of a worker's result lines on stdout. */
const RESULT = 'FUZZ-RESULT ';

interface Options {
  cases: number;
  seed: number;
  from: number;
  engine: EngineName;
  workers: number;
  tolerance: number;
  sanitize: boolean;
  out: string;
  worker: boolean;
}

/** What one worker process did: its results, and how it ended when it did not end well. */
interface WorkerOutcome {
  from: number;
  count: number;
  results: FuzzResult[];
  crash?: { exit: number | null; signal: string | null; cases: [number, number]; stderr: string };
}

function libasan(): string {
  const file = execSync('gcc -print-file-name=libasan.so').toString().trim();
  if (!path.isAbsolute(file) || !fs.existsSync(file)) {
    throw new UserError(
      "--sanitize needs libasan (gcc's AddressSanitizer runtime, Debian package libasan8 with g++): not found",
    );
  }
  return file;
}

/** Runs cases [from, from + count) in a child process of this script. */
function runWorker(
  opts: Options,
  from: number,
  count: number,
  asanLogs: string | undefined,
  onResult: (r: FuzzResult) => void,
): Promise<WorkerOutcome> {
  const args = [
    '-r',
    'ts-node/register/transpile-only',
    __filename,
    '--worker',
    '--engine',
    opts.engine,
    '--seed',
    String(opts.seed),
    '--from',
    String(from),
    '--cases',
    String(count),
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, SALIENCY_BACKEND: opts.engine };
  if (asanLogs) {
    Object.assign(env, {
      LD_PRELOAD: libasan(),
      SALIENCY_ADDON_BUILD: 'asan',
      ASAN_OPTIONS: `detect_leaks=0:log_path=${path.join(asanLogs, 'asan')}`,
    });
  }
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: path.resolve(__dirname, '..', '..'),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const results: FuzzResult[] = [];
    let pending = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (!line.startsWith(RESULT)) continue;
        const result = JSON.parse(line.slice(RESULT.length), (_, v) =>
          v === 'Infinity' ? Infinity : v,
        ) as FuzzResult;
        results.push(result);
        onResult(result);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.on('close', (exit, signal) => {
      const outcome: WorkerOutcome = { from, count, results };
      if (exit !== 0 || results.length !== count) {
        const done = results.length ? Math.max(...results.map((r) => r.index)) + 1 : from;
        outcome.crash = { exit, signal, cases: [done, from + count - 1], stderr: stderr.trim() };
      }
      resolve(outcome);
    });
  });
}

async function worker(opts: Options): Promise<void> {
  await initEngine({ engine: opts.engine });
  await fuzzKernels({
    seed: opts.seed,
    from: opts.from,
    count: opts.cases,
    onResult: (r) =>
      process.stdout.write(
        RESULT + JSON.stringify(r, (_, v) => (v === Infinity ? 'Infinity' : v)) + '\n',
      ),
  });
}

/** One line per kernel: cases, largest relative error, failures. */
function summarise(results: FuzzResult[], tolerance: number) {
  return Object.fromEntries(
    FUZZ_KINDS.map((kind) => {
      const mine = results.filter((r) => r.kind === kind);
      const compared = mine.filter((r) => !r.error?.startsWith('both threw'));
      return [
        kind,
        {
          cases: mine.length,
          refusedByTfjs: mine.length - compared.length,
          // Cases at a kink differ by design: their error is not a kernel's.
          maxRelativeError: compared
            .filter((r) => !r.kinkCrossings)
            .reduce((m, r) => Math.max(m, r.relativeError), 0),
          failures: compared.filter((r) => isFuzzFailure(r, tolerance)).length,
          atKinks: compared.filter((r) => (r.kinkCrossings ?? 0) > 0).length,
        },
      ];
    }),
  ) as Record<
    FuzzKind,
    {
      cases: number;
      refusedByTfjs: number;
      maxRelativeError: number;
      failures: number;
      atKinks: number;
    }
  >;
}

async function main(): Promise<void> {
  const raw = program("Fuzz the engine's kernels against the cpu backend over seeded random cases")
    .option('--cases <n>', 'number of cases', '3000')
    .option('--seed <n>', 'seed of the case stream', '0')
    .option('--from <n>', 'index of the first case (to re-run a failing range)', '0')
    .option(
      '--engine <name>',
      `engine whose kernels are fuzzed: ${ENGINE_PREFERENCE.join(', ')}`,
      'onednn',
    )
    .option('--workers <n>', 'worker processes at a time', String(Math.max(1, os.cpus().length)))
    .option(
      '--tolerance <x>',
      'largest relative error (max |engine - cpu| / max |cpu|) that passes',
      '1e-4',
    )
    .option(
      '--sanitize',
      'run the workers on the AddressSanitizer build of the addon (bash scripts/setup.sh --sanitize)',
      false,
    )
    .option('--out <file>', 'results file', path.join(RESULTS_DIR, 'fuzz.json'))
    .option(
      '--worker',
      'internal: run the cases in this process and print one result line each',
      false,
    )
    .parse()
    .opts<Record<string, string | boolean>>();
  const opts: Options = {
    cases: parseNumber(String(raw.cases), '--cases', POSITIVE_INTEGER),
    seed: parseNumber(String(raw.seed), '--seed', NON_NEGATIVE_INTEGER),
    from: parseNumber(String(raw.from), '--from', NON_NEGATIVE_INTEGER),
    engine: parseChoice(String(raw.engine), ENGINE_PREFERENCE, '--engine'),
    workers: parseNumber(String(raw.workers), '--workers', POSITIVE_INTEGER),
    tolerance: parseNumber(String(raw.tolerance), '--tolerance', POSITIVE_NUMBER),
    sanitize: raw.sanitize === true,
    out: String(raw.out),
    worker: raw.worker === true,
  };
  if (opts.worker) return worker(opts);
  if (opts.sanitize && opts.engine !== 'onednn')
    throw new UserError(
      '--sanitize checks the native addon, which only the onednn engine runs: use --engine onednn',
    );

  const startedAt = new Date();
  await initEngine({ engine: opts.engine });
  const metadata = runMetadata(startedAt);
  let asanLogs: string | undefined;
  if (opts.sanitize) {
    const sanitized = onednnAddonPath('asan');
    if (!fs.existsSync(sanitized))
      throw new UserError(
        `the AddressSanitizer build of the addon (${sanitized}) is missing: run bash scripts/setup.sh --sanitize`,
      );
    // A build without the sanitizer's entry point would run unchecked and report nothing.
    if (!fs.readFileSync(sanitized).includes('__asan_init')) {
      throw new UserError(
        `${sanitized} is not an AddressSanitizer build: delete native/build/Debug and run bash scripts/setup.sh --sanitize`,
      );
    }
    asanLogs = fs.mkdtempSync(path.join(os.tmpdir(), 'kernel-fuzz-asan-'));
  }

  const chunks: [number, number][] = [];
  for (let start = opts.from; start < opts.from + opts.cases; start += CHUNK)
    chunks.push([start, Math.min(CHUNK, opts.from + opts.cases - start)]);
  const bar = new SingleBar({
    format: 'fuzz {bar} {value}/{total} cases | worst error {worst} | failures {failures}',
    hideCursor: true,
  });
  let worst = 0;
  let failures = 0;
  bar.start(opts.cases, 0, { worst: '0', failures: 0 });
  const onResult = (r: FuzzResult) => {
    if (!r.error?.startsWith('both threw')) {
      worst = Math.max(worst, r.relativeError);
      if (isFuzzFailure(r, opts.tolerance)) failures++;
    }
    bar.increment(1, { worst: worst.toExponential(2), failures });
  };
  const outcomes: WorkerOutcome[] = [];
  const queue = [...chunks];
  await Promise.all(
    Array.from({ length: Math.min(opts.workers, chunks.length) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift())
        outcomes.push(await runWorker(opts, next[0], next[1], asanLogs, onResult));
    }),
  );
  bar.stop();

  const results = outcomes.flatMap((o) => o.results).sort((a, b) => a.index - b.index);
  const crashes = outcomes.filter((o) => o.crash).map((o) => o.crash!);
  const reports = asanLogs
    ? fs.readdirSync(asanLogs).map((f) => fs.readFileSync(path.join(asanLogs!, f), 'utf8'))
    : [];
  const failing = results.filter((r) => isFuzzFailure(r, opts.tolerance));
  const atKinks = results.filter((r) => (r.kinkCrossings ?? 0) > 0);
  const kernels = summarise(results, opts.tolerance);
  const seconds = (Date.now() - startedAt.getTime()) / 1000;
  writeJsonAtomic(opts.out, {
    metadata,
    config: {
      seed: opts.seed,
      from: opts.from,
      cases: opts.cases,
      engine: opts.engine,
      tolerance: opts.tolerance,
      workers: opts.workers,
    },
    addon: {
      build: opts.sanitize ? 'asan' : 'release',
      path: path.relative(
        path.resolve(__dirname, '..', '..'),
        onednnAddonPath(opts.sanitize ? 'asan' : 'release'),
      ),
    },
    casesRun: results.length,
    kernels,
    maxRelativeError: Math.max(0, ...Object.values(kernels).map((k) => k.maxRelativeError)),
    failures: failing.slice(0, 50),
    failureCount: failing.length,
    atKinks: atKinks.slice(0, 50),
    crashes,
    sanitizer: {
      enabled: opts.sanitize,
      reports: reports.length,
      firstReport: reports[0]?.slice(0, 4000),
    },
    timings: { seconds },
  });
  for (const [kind, k] of Object.entries(kernels)) {
    console.log(
      `${kind.padEnd(22)} ${String(k.cases).padStart(5)} cases  max relative error ${k.maxRelativeError.toExponential(2)}  failures ${k.failures}` +
        (k.atKinks ? `  (${k.atKinks} at an activation's kink, not failures)` : ''),
    );
  }
  console.log(
    `${results.length} cases in ${seconds.toFixed(0)} s; ${failing.length} failures, ${crashes.length} crashed workers` +
      (opts.sanitize ? `, ${reports.length} sanitizer reports` : '') +
      `; written to ${opts.out}`,
  );
  for (const c of crashes)
    console.log(
      `worker for cases ${c.cases[0]}-${c.cases[1]} ended with ${c.signal ?? `exit ${c.exit}`}: ${c.stderr.split('\n').slice(-3).join(' | ')}`,
    );
  if (failing.length || crashes.length || reports.length) process.exitCode = 1;
}

runMain(main);
