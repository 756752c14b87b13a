/**
 * Spreading a command's independent units of work (sweep settings, method ×
 * black-box pairs, black boxes, seeds) over machines: `--shard i/n` runs the
 * units at positions p with p mod n = i, and `--count-units` prints how many
 * units the other flags describe and exits, which is what `submit`
 * (experiments/tools/submit.ts) sizes a Slurm job array by. Every shard
 * skips the units another run finished, so shards can be rerun or resumed.
 */
import * as path from 'path';
import type { Command } from 'commander';
import { UserError } from '../core/user-error';

/** Part `index` of `count` (0-based), as given by `--shard index/count`. */
export interface Shard {
  index: number;
  count: number;
}

/** The flags {@link addShardFlags} adds, as parsed by commander. */
export interface ShardFlags {
  shard: string;
  countUnits?: boolean;
}

/**
 * Reads `i/n` with 0 ≤ i < n (0-based, like Kubernetes' JOB_COMPLETION_INDEX
 * and Slurm's SLURM_ARRAY_TASK_ID of an array `0-(n-1)`).
 * @throws naming the accepted form.
 */
export function parseShard(spec: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(spec.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index >= count)
    throw new UserError(`--shard must look like i/n with 0 <= i < n, got '${spec}'`);
  return { index, count };
}

/** The items of one shard: positions p with p mod n = i (round robin, so shards of a sorted list get similar work). */
export function shardItems<T>(items: readonly T[], shard: Shard): T[] {
  return items.filter((_, p) => p % shard.count === shard.index);
}

/** Adds `--shard` and `--count-units` to a command whose units of work are `units` (a plural noun: `settings`). */
export function addShardFlags(command: Command, units: string): Command {
  return command
    .option('--shard <i/n>', `run every n-th of the ${units} starting at i (0-based)`, '0/1')
    .option(
      '--count-units',
      `print the number of ${units} and the results folder as JSON ({"units": n, "results": dir}) and exit`,
    );
}

/** What a command run with `--count-units` reports: its units of work and where their results go. */
export interface UnitCount {
  units: number;
  /** Absolute results folder, which every shard must be able to write to. */
  results: string;
}

/** Prints what `--count-units` reports. */
export function printUnitCount(units: number, results: string): void {
  console.log(JSON.stringify({ units, results: path.resolve(results) }));
}

/** The report in the output of a command run with `--count-units` (its last line). */
export function parseUnitCount(output: string): UnitCount {
  const last = output.trim().split('\n').pop() ?? '';
  try {
    const { units, results } = JSON.parse(last) as Partial<UnitCount>;
    if (
      typeof units === 'number' &&
      Number.isSafeInteger(units) &&
      units >= 0 &&
      typeof results === 'string' &&
      path.isAbsolute(results)
    )
      return { units, results };
  } catch {
    // not JSON: reported below
  }
  throw new Error(`--count-units printed no unit count: '${last}'`);
}
