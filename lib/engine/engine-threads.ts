/**
 * The engine's thread count, for code: read it, or fix it for this process
 * (a notebook that shares the machine, a benchmark that compares counts).
 * Only the onednn engine's kernels are threaded by the kit; the others keep
 * their own threading (tfjs-node: TensorFlow's pools; wasm: one thread).
 */
import { UserError } from '../core/user-error';
import { onednnThreadControl } from './onednn/addon';
import { threadBudget, type ThreadBudget } from './thread-budget';

/**
 * The thread budget in force: the onednn engine's when its addon is loaded,
 * else the one the environment sets ({@link threadBudget}).
 */
export function engineThreads(): ThreadBudget {
  return onednnThreadControl()?.budget ?? threadBudget();
}

/**
 * Fixes the onednn engine's thread count for this process from the next
 * kernel call on, or, without an argument, returns to the environment's
 * budget (which follows the free cores unless a variable fixes it). Takes
 * effect once the onednn engine has started; a no-op on the other engines.
 * Returns the budget now in force.
 * @throws {UserError} when `threads` is not an integer from 1 to 1024.
 */
export function setEngineThreads(threads?: number): ThreadBudget {
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 1024))
    throw new UserError(`setEngineThreads(${threads}): use an integer from 1 to 1024`);
  const budget: ThreadBudget =
    threads === undefined
      ? threadBudget()
      : { max: threads, source: 'code', followsFreeCores: false };
  onednnThreadControl()?.setBudget(budget);
  return engineThreads();
}
