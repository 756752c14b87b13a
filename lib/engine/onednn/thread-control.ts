/**
 * The thread count of the addon's kernels. A kernel whose result does not
 * depend on the thread count runs on the budget's fixed count or, when the
 * budget follows the free cores, on the cores other processes left free
 * (between 1 and the budget's ceiling), re-measured at most every
 * {@link REMEASURE_MS}. A kernel whose result does depend on it (oneDNN's
 * convolution filter gradient splits its sums by thread) always runs on the
 * budget's ceiling, so that a seeded run gives the same bits under any load.
 */
import { FreeCoreMeter } from '../free-cores';
import type { ThreadBudget } from '../thread-budget';

/** How often the free cores are re-measured: long enough for /proc/stat's 10 ms ticks to resolve a fraction of a core. */
export const REMEASURE_MS = 500;

export class ThreadControl {
  /** The count for kernels whose bits do not depend on it. */
  private adaptive: number;
  /** The count last set through `apply`. */
  private applied: number;
  private measuredAt: number;

  /**
   * @param apply sets the thread count of the next kernel calls (the addon's `setThreads`).
   * @param meter measures the free cores (called once here, to start its first interval).
   */
  constructor(
    private budgetNow: ThreadBudget,
    private readonly apply: (threads: number) => void,
    private readonly meter = new FreeCoreMeter(),
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    this.adaptive = budgetNow.max;
    this.applied = budgetNow.max;
    this.measuredAt = nowMs();
    if (this.follows) meter.freeCores();
    apply(budgetNow.max);
  }

  /** The budget the counts follow. */
  get budget(): ThreadBudget {
    return this.budgetNow;
  }

  /** Replaces the budget (e.g. a fixed count chosen in code), from the next kernel call on. */
  setBudget(budget: ThreadBudget): void {
    this.budgetNow = budget;
    this.adaptive = budget.max;
    this.measuredAt = this.nowMs();
    if (this.follows) this.meter.freeCores();
  }

  /** The thread count of the next call of a kernel whose bits do not depend on it. */
  get current(): number {
    return this.adaptive;
  }

  private get follows(): boolean {
    return this.budget.followsFreeCores && this.budget.max > 1;
  }

  /**
   * Called before each kernel: re-measures the free cores when due and sets
   * the count the kernel runs with.
   * @param threadDependent true for a kernel whose bits depend on the thread count.
   */
  beforeCall(threadDependent = false): void {
    if (this.follows) {
      const now = this.nowMs();
      if (now - this.measuredAt >= REMEASURE_MS) {
        this.measuredAt = now;
        const free = this.meter.freeCores();
        if (free !== undefined)
          this.adaptive = Math.min(this.budget.max, Math.max(1, Math.round(free)));
      }
    }
    const threads = threadDependent ? this.budget.max : this.adaptive;
    if (threads === this.applied) return;
    this.applied = threads;
    this.apply(threads);
  }
}
