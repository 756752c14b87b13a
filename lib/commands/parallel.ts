/**
 * Independent runs as parallel processes. Commands offer `--jobs N` to spread
 * their independent runs (architectures, black boxes, sweep configurations)
 * over the machine's cores; each child gets an even share of this process's
 * thread budget (`SALIENCY_CORES`, docs/engines.md "Threads"), so N jobs
 * never run more threads than there are cores. Each child runs exactly the
 * command a user would type for that one run, so results do not depend on
 * the number of jobs.
 */
import { spawn } from 'child_process';
import { coresPerJob, threadBudget } from '../engine/thread-budget';

/** One child process: a Node script and its arguments, with a label for logs. */
export interface ChildRun {
  label: string;
  /** Script path (run with the current Node, through ts-node when it is a .ts file). */
  script: string;
  args: string[];
}

/** Outcome of one child process. */
export interface ChildResult {
  label: string;
  exitCode: number;
  seconds: number;
}

/** The Node arguments that run `script` the way the current process was run. */
function nodeArgs(script: string): string[] {
  return script.endsWith('.ts')
    ? [require.resolve('ts-node/dist/bin'), '--transpile-only', script]
    : [script];
}

/**
 * Runs the children `jobs` at a time, their output passed through with a
 * `[label]` prefix per line. Resolves when all have finished; never rejects
 * (check `exitCode`).
 */
export async function runInParallel(
  runs: readonly ChildRun[],
  jobs: number,
): Promise<ChildResult[]> {
  if (!(Number.isInteger(jobs) && jobs >= 1))
    throw new Error(`--jobs must be an integer >= 1, got ${jobs}`);
  const results: ChildResult[] = new Array(runs.length);
  const workers = Math.min(jobs, runs.length);
  const budget = threadBudget();
  // A fixed count (SALIENCY_THREADS, OMP_NUM_THREADS) is the user's and passes through unchanged.
  const env = budget.followsFreeCores
    ? { ...process.env, SALIENCY_CORES: String(coresPerJob(budget, workers)) }
    : process.env;
  let next = 0;
  const prefix = (label: string, chunk: Buffer) =>
    chunk
      .toString()
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => `[${label}] ${l}\n`)
      .join('');
  const worker = async () => {
    while (next < runs.length) {
      const index = next++;
      const run = runs[index];
      const start = performance.now();
      const exitCode = await new Promise<number>((resolve) => {
        const child = spawn(process.execPath, [...nodeArgs(run.script), ...run.args], {
          stdio: ['ignore', 'pipe', 'pipe'],
          env,
        });
        child.stdout.on('data', (c: Buffer) => process.stdout.write(prefix(run.label, c)));
        child.stderr.on('data', (c: Buffer) => process.stderr.write(prefix(run.label, c)));
        child.on('exit', (code) => resolve(code ?? 1));
        child.on('error', () => resolve(1));
      });
      results[index] = { label: run.label, exitCode, seconds: (performance.now() - start) / 1000 };
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}

/** Throws naming every child that failed. */
export function assertAllSucceeded(results: readonly ChildResult[]): void {
  const failed = results.filter((r) => r.exitCode !== 0);
  if (failed.length)
    throw new Error(
      `failed runs: ${failed.map((r) => `${r.label} (exit ${r.exitCode})`).join(', ')}`,
    );
}

/**
 * Command-line arguments without the given flags and their values (`--flag v`
 * and `--flag=v`), to build a child's arguments from the parent's.
 */
export function withoutFlags(args: readonly string[], flags: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (flags.includes(args[i])) i++;
    else if (!flags.some((f) => args[i].startsWith(`${f}=`))) out.push(args[i]);
  }
  return out;
}

/**
 * Runs `script` once per value of `flag` (`--arch residual`, `--black-box
 * plain`, …) in child processes, `jobs` at a time, each with the parent's
 * other arguments `parentArgs` (less `flag`, `--jobs` and `--shard`).
 * @throws naming every value whose child failed.
 */
export async function runOncePerValue(
  script: string,
  flag: string,
  values: readonly string[],
  jobs: number,
  parentArgs: readonly string[] = process.argv.slice(2),
): Promise<void> {
  const rest = withoutFlags(parentArgs, [flag, '--jobs', '--shard']);
  const runs = values.map((value) => ({ label: value, script, args: [...rest, flag, value] }));
  assertAllSucceeded(await runInParallel(runs, jobs));
}
