/**
 * Results files: every command writes one JSON file atomically (temp file,
 * then rename, so a crash mid-run never leaves half a file) with the run's
 * metadata (config, seed, engine, git commit, machine, timings) beside its numbers.
 */
import { execSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { engineInfo } from '../engine/backend';
import { engineThreads } from '../engine/engine-threads';
import type { ThreadBudget } from '../engine/thread-budget';
import { UserError } from '../core/user-error';
import { writeFileAtomic } from './atomic-file';

/** Who, where and with what a result was produced. */
export interface RunMetadata {
  command: string;
  /** HEAD when the process started. */
  gitCommit: string;
  /** True when the working tree had uncommitted changes when the process started. */
  gitDirty: boolean;
  engine: string;
  backend: string;
  /** The engine's thread budget (docs/engines.md "Threads"). */
  threads: ThreadBudget;
  node: string;
  cpu: string;
  cores: number;
  startedAt: string;
}

function git(args: string): string {
  try {
    return execSync(`git ${args}`, {
      cwd: path.resolve(__dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
  } catch {
    return '';
  }
}

/**
 * The checkout's commit and state when this process loaded the kit: a long
 * run's results name the code it started with, not a commit made while it ran.
 */
const GIT_AT_START = {
  commit: git('rev-parse HEAD') || 'unknown',
  dirty: git('status --porcelain --untracked-files=no') !== '',
};

/** Metadata of the current process; call after `initEngine()`. */
export function runMetadata(startedAt = new Date()): RunMetadata {
  const { engine, backend } = engineInfo();
  return {
    command: process.argv
      .slice(1)
      .map((a) => path.relative(process.cwd(), a) || a)
      .join(' '),
    gitCommit: GIT_AT_START.commit,
    gitDirty: GIT_AT_START.dirty,
    engine,
    backend,
    threads: engineThreads(),
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    startedAt: startedAt.toISOString(),
  };
}

/** Writes `value` as pretty JSON to `file` atomically, creating folders as needed. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Reads a JSON file written by {@link writeJsonAtomic}; undefined when absent.
 * @param remedy what to do about a file that does not parse, for the error
 *   (e.g. `delete it to run that pair again`); default: delete it or write it again.
 * @throws a {@link UserError} naming the file, the parse error and the remedy when the file is not valid JSON.
 */
export function readJson<T>(
  file: string,
  remedy = 'delete it or write it again with the command that made it',
): T | undefined {
  if (!fs.existsSync(file)) return undefined;
  const text = fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new UserError(`${file} is not valid JSON (${(err as Error).message}); ${remedy}`);
  }
}

/** The repository's `results/` folder. */
export const RESULTS_DIR = path.resolve(__dirname, '..', '..', 'results');
