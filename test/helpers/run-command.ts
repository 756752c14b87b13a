/**
 * The kit's commands run as a user runs them, for the tests of their exit
 * codes, messages and files: `experiments/<group>/<command>.ts` in a child process
 * (`node -r ts-node/register/transpile-only`) from the repository root, on
 * the engine this process runs (passed as SALIENCY_BACKEND).
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { engineInfo } from '../../lib/engine/backend';

const ROOT = path.resolve(__dirname, '..', '..');

/** How a command ended and what it wrote. */
export interface CommandOutcome {
  /** The exit code; null when a signal ended it. */
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The script of a command: `experiments/<paper | bench | tools>/<command>.ts`. */
function commandScript(command: string): string {
  const groups = fs.readdirSync(path.join(ROOT, 'experiments'));
  const found = groups
    .map((group) => path.join(ROOT, 'experiments', group, `${command}.ts`))
    .find((file) => fs.existsSync(file));
  if (!found) throw new Error(`no command '${command}' in experiments/{${groups.join(',')}}`);
  return found;
}

/** Runs a command's script with `args`; resolves with its exit code and output (never rejects). */
export function runCommand(command: string, args: readonly string[]): Promise<CommandOutcome> {
  const script = commandScript(command);
  const env = { ...process.env, SALIENCY_BACKEND: engineInfo().engine };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', script, ...args],
      { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        resolve({ status: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
      },
    );
  });
}

/** Runs commands `at` at a time; resolves with their outcomes in order. */
export async function runCommands(
  runs: readonly { command: string; args: readonly string[] }[],
  at: number,
): Promise<CommandOutcome[]> {
  const outcomes: CommandOutcome[] = new Array(runs.length);
  let next = 0;
  const worker = async () => {
    while (next < runs.length) {
      const i = next++;
      outcomes[i] = await runCommand(runs[i].command, runs[i].args);
    }
  };
  await Promise.all(Array.from({ length: Math.min(at, runs.length) }, worker));
  return outcomes;
}
