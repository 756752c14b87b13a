/**
 * Training scripts run as child processes, for the tests that kill a
 * training run with SIGKILL and resume it. A child runs
 * `node -r ts-node/register/transpile-only <script> <args>` from the
 * repository root, on the engine this process runs (passed as
 * SALIENCY_BACKEND), and reports failures with its output.
 */
import { spawn, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { engineInfo } from '../../lib/engine/backend';

const ROOT = path.resolve(__dirname, '..', '..');

/** How a child ended, and what it wrote. */
interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

function start(
  script: string,
  args: readonly string[],
): { child: ChildProcess; ended: Promise<Ended> } {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', script, ...args],
    {
      cwd: ROOT,
      env: { ...process.env, SALIENCY_BACKEND: engineInfo().engine },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const ended = new Promise<Ended>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, output }));
  });
  return { child, ended };
}

/**
 * Runs `script` to its end.
 * @throws when it exits with another code than 0 (the message holds its output).
 */
export async function runToEnd(script: string, args: readonly string[]): Promise<void> {
  const { code, signal, output } = await start(script, args).ended;
  if (code !== 0)
    throw new Error(
      `${path.basename(script)} ${args.join(' ')} ended with ${signal ?? `code ${code}`}:\n${output}`,
    );
}

/**
 * The step of the latest checkpoint in `dir` (from `latest.json`'s
 * `ckpt-<step>`), or undefined while there is none.
 */
export function latestCheckpointStep(dir: string): number | undefined {
  try {
    const { name } = JSON.parse(fs.readFileSync(path.join(dir, 'latest.json'), 'utf8')) as {
      name: string;
    };
    return Number(name.replace('ckpt-', ''));
  } catch {
    return undefined;
  }
}

/**
 * Runs `script`, polls `checkpointDir` until its latest checkpoint is at step
 * `minStep` or later, and kills the child there with SIGKILL.
 * @returns the step of the latest checkpoint once the child is dead.
 * @throws when the child ends on its own before that (it was not killed mid-run).
 */
export async function killAfterCheckpoint(
  script: string,
  args: readonly string[],
  checkpointDir: string,
  minStep: number,
): Promise<number> {
  const { child, ended } = start(script, args);
  let done: Ended | undefined;
  void ended.then((e) => (done = e));
  while (!done && (latestCheckpointStep(checkpointDir) ?? -1) < minStep)
    await new Promise((resolve) => setTimeout(resolve, 20));
  if (done)
    throw new Error(
      `${path.basename(script)} ended (${done.signal ?? `code ${done.code}`}) before a checkpoint at step ${minStep}:\n${done.output}`,
    );
  child.kill('SIGKILL');
  const { signal, output } = await ended;
  if (signal !== 'SIGKILL')
    throw new Error(`${path.basename(script)} finished before it could be killed:\n${output}`);
  return latestCheckpointStep(checkpointDir) as number;
}

/** Blocks this thread for `ms` milliseconds (a child's way to stay mid-run until it is killed). */
export function blockFor(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The folders of one training child's run: its checkpoints and its output. */
export interface TrainingRun {
  checkpoints: string;
  out: string;
}

/**
 * Runs `script` (a training child taking `<checkpoints> <out> [--hang-at N]`)
 * twice under `tmp`: straight through, and, beside it, hung at step `hangAt`
 * and killed with SIGKILL once the checkpoint of step `killedAfter` is
 * published, then resumed to the end. Checks that the kill left that
 * checkpoint and no output.
 * @returns both runs' folders, to compare.
 */
export async function straightAndResumed(
  script: string,
  tmp: string,
  { hangAt, killedAfter }: { hangAt: number; killedAfter: number },
): Promise<{ straight: TrainingRun; killed: TrainingRun }> {
  const [straight, killed] = ['straight', 'killed'].map((name) => ({
    checkpoints: path.join(tmp, name, 'ckpt'),
    out: path.join(tmp, name, 'out'),
  }));
  const [, killedAt] = await Promise.all([
    runToEnd(script, [straight.checkpoints, straight.out]),
    killAfterCheckpoint(
      script,
      [killed.checkpoints, killed.out, '--hang-at', String(hangAt)],
      killed.checkpoints,
      killedAfter,
    ),
  ]);
  if (killedAt !== killedAfter)
    throw new Error(`the run was killed after step ${killedAt}'s checkpoint, not ${killedAfter}'s`);
  if (fs.existsSync(killed.out)) throw new Error(`the killed run wrote its output ${killed.out}`);
  await runToEnd(script, [killed.checkpoints, killed.out]);
  return { straight, killed };
}
