/**
 * Follows a submitted job until every task has ended: polls its states
 * (lib/cluster/slurm-client.ts `jobStates`), keeps the last state seen of
 * each task (so a task that leaves Slurm's memory keeps its end), reports
 * progress, and returns which tasks succeeded and which did not.
 *
 * A task counts as ended in a final state only: a preempted or failed-node
 * task of a `--requeue` script goes back to pending, and a task requeued by
 * hand (`scontrol requeue`) is followed through its next run. A task killed
 * for a requeue can show a final state for a moment before it is pending
 * again, so the job counts as ended only when every task's state has stayed
 * the same for {@link SETTLE_MS} (and at least one poll).
 */

/** How long the final states must stay unchanged before the job counts as ended. */
export const SETTLE_MS = 3000;
import type { JobRecord } from './slurm-client';

/** Slurm states after which a task runs no more. */
export const FINAL_STATES: ReadonlySet<string> = new Set([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'OUT_OF_MEMORY',
  'BOOT_FAIL',
  'DEADLINE',
]);

/** The last state seen of one task. */
export interface TaskState {
  index: number;
  state: string;
  exitCode: number;
}

/** Tasks by what they are doing, for a progress line. */
export interface JobProgress {
  total: number;
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
}

/** How a followed job ended. */
export interface FollowedJob {
  tasks: TaskState[];
  /** Tasks that ended other than COMPLETED with exit 0. */
  failed: TaskState[];
  /** True when following stopped early because `stopWhen` said so. */
  stopped: boolean;
}

export interface FollowOptions {
  /** Job id. */
  jobId: string;
  /** Task indices followed: 0..n-1 for an array of n; [0] for a job that is not an array. */
  tasks: number;
  /** Reads the job's states (jobStates of slurm-client.ts; tests pass their own). */
  read: (jobId: string) => JobRecord[];
  /** Milliseconds between polls. */
  pollMs: number;
  onProgress?: (progress: JobProgress) => void;
  /** Stops following (the job keeps its tasks) as soon as this holds for an ended task. */
  stopWhen?: (task: TaskState) => boolean;
}

const succeeded = (t: TaskState) => t.state === 'COMPLETED' && t.exitCode === 0;

/** Merges Slurm's records into the known states of tasks 0..n-1. */
export function updateTaskStates(
  known: Map<number, TaskState>,
  records: readonly JobRecord[],
  tasks: number,
): void {
  for (const r of records)
    for (const index of r.taskIds ?? [0])
      if (index < tasks) known.set(index, { index, state: r.state, exitCode: r.exitCode });
}

/** Counts of the known states of tasks 0..n-1 (a task not seen yet counts as pending). */
export function progressOf(known: ReadonlyMap<number, TaskState>, tasks: number): JobProgress {
  const p: JobProgress = { total: tasks, pending: 0, running: 0, succeeded: 0, failed: 0 };
  for (let i = 0; i < tasks; i++) {
    const t = known.get(i);
    if (t === undefined || t.state === 'PENDING' || t.state.startsWith('REQUEUE')) p.pending++;
    else if (!FINAL_STATES.has(t.state)) p.running++;
    else if (succeeded(t)) p.succeeded++;
    else p.failed++;
  }
  return p;
}

/**
 * Polls until every task has ended and stayed so for `settleMs` (or `stopWhen` holds for one).
 * @param settleMs default {@link SETTLE_MS}.
 */
export async function followJob(o: FollowOptions & { settleMs?: number }): Promise<FollowedJob> {
  const known = new Map<number, TaskState>();
  const settleMs = o.settleMs ?? SETTLE_MS;
  let endedSince: { key: string; at: number } | undefined;
  for (;;) {
    updateTaskStates(known, o.read(o.jobId), o.tasks);
    const progress = progressOf(known, o.tasks);
    o.onProgress?.(progress);
    const ended = [...known.values()].filter((t) => FINAL_STATES.has(t.state));
    const tasks = [...known.values()].sort((a, b) => a.index - b.index);
    const failed = ended.filter((t) => !succeeded(t)).sort((a, b) => a.index - b.index);
    if (o.stopWhen && ended.some(o.stopWhen)) return { tasks, failed, stopped: true };
    if (progress.succeeded + progress.failed === o.tasks) {
      const key = JSON.stringify(tasks);
      if (endedSince?.key === key && Date.now() - endedSince.at >= settleMs)
        return { tasks, failed, stopped: false };
      if (endedSince?.key !== key) endedSince = { key, at: Date.now() };
    } else endedSince = undefined;
    await new Promise((resolve) => setTimeout(resolve, o.pollMs));
  }
}
