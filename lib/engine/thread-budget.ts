/**
 * How many threads one process of the kit may use, and whether that count
 * should follow the cores other processes leave free (docs/engines.md,
 * "Threads").
 *
 * In order, the first that is set wins:
 *   1. `SALIENCY_THREADS=n`: exactly n threads, always (a user's explicit choice);
 *   2. `OMP_NUM_THREADS=n`: the same, for users who set OpenMP's own variable;
 *   3. `SALIENCY_CORES=n`: at most n, set by a parent that runs `--jobs` children
 *      (each gets its share of the parent's cores, so N jobs never oversubscribe);
 *   4. `SLURM_CPUS_PER_TASK=n`: at most n, the cores Slurm gave this task;
 *   5. the cores this process may run on (`os.availableParallelism()`, which
 *      follows the CPU affinity mask).
 * Counts from 3–5 are ceilings: the engine lowers the count while other
 * processes keep cores busy ({@link FreeCoreMeter}), because OpenMP's threads
 * wait for the slowest of them, and one on a busy core slows them all.
 */
import * as os from 'os';
import { UserError } from '../core/user-error';

/** The variables of {@link threadBudget}, in order of precedence. */
export const THREAD_VARIABLES = [
  'SALIENCY_THREADS',
  'OMP_NUM_THREADS',
  'SALIENCY_CORES',
  'SLURM_CPUS_PER_TASK',
] as const;
export type ThreadVariable = (typeof THREAD_VARIABLES)[number];

export interface ThreadBudget {
  /** The most threads a kernel may use. */
  max: number;
  /** Where `max` came from: a variable, `cores` (the machine's) or `code` (`setEngineThreads`). */
  source: ThreadVariable | 'cores' | 'code';
  /** True when the count follows the free cores (below `max`); false when it was fixed by the user. */
  followsFreeCores: boolean;
}

/** Variables that fix the count exactly; the others set a ceiling. */
const FIXED: readonly ThreadVariable[] = ['SALIENCY_THREADS', 'OMP_NUM_THREADS'];

/**
 * The budget from the environment.
 * @throws {UserError} naming the variable when its value is not a positive integer.
 */
export function threadBudget(
  env: NodeJS.ProcessEnv = process.env,
  cores: number = os.availableParallelism(),
): ThreadBudget {
  for (const name of THREAD_VARIABLES) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    // OpenMP accepts a list ("4,2") for nested levels; the kit's kernels use the first.
    const first = name === 'OMP_NUM_THREADS' ? value.split(',')[0] : value;
    const n = Number(first.trim());
    if (!(Number.isInteger(n) && n >= 1 && n <= 1024))
      throw new UserError(
        `${name}="${value}" is not a thread count; use an integer from 1 to 1024`,
      );
    return { max: n, source: name, followsFreeCores: !FIXED.includes(name) };
  }
  return { max: Math.max(1, cores), source: 'cores', followsFreeCores: true };
}

/**
 * The cores each of `jobs` children gets from a parent with this budget: its
 * ceiling split evenly, at least one. Passed to children as `SALIENCY_CORES`.
 */
export function coresPerJob(budget: ThreadBudget, jobs: number): number {
  return Math.max(1, Math.floor(budget.max / jobs));
}
