import { expect } from 'chai';
import { followJob, JobProgress } from '../../lib/cluster/job-follower';
import type { JobRecord } from '../../lib/cluster/slurm-client';

/** A reader that returns one list of records per poll, the last one from then on. */
const polls = (...lists: JobRecord[][]) => {
  let i = 0;
  return () => lists[Math.min(i++, lists.length - 1)];
};

describe('following a job (lib/cluster/job-follower.ts)', () => {
  it('follow an array to its end, through a requeue, and name the failed task', async () => {
    const seen: JobProgress[] = [];
    const job = await followJob({
      jobId: '7',
      tasks: 3,
      pollMs: 1,
      settleMs: 0,
      onProgress: (p) => seen.push(p),
      read: polls(
        [{ taskIds: [0, 1, 2], state: 'PENDING', exitCode: 0 }],
        [
          { taskIds: [0], state: 'RUNNING', exitCode: 0 },
          { taskIds: [1, 2], state: 'PENDING', exitCode: 0 },
        ],
        // Task 0 requeued: pending again; task 1 ends badly.
        [
          { taskIds: [0], state: 'PENDING', exitCode: 0 },
          { taskIds: [1], state: 'FAILED', exitCode: 2 },
          { taskIds: [2], state: 'RUNNING', exitCode: 0 },
        ],
        // Task 2 has left Slurm's memory: its last state seen stands until it reappears.
        [{ taskIds: [0], state: 'RUNNING', exitCode: 0 }],
        [
          { taskIds: [0], state: 'COMPLETED', exitCode: 0 },
          { taskIds: [2], state: 'COMPLETED', exitCode: 0 },
        ],
      ),
    });
    expect(job.stopped).to.equal(false);
    expect(job.failed).to.deep.equal([{ index: 1, state: 'FAILED', exitCode: 2 }]);
    expect(job.tasks.map((t) => t.state)).to.deep.equal(['COMPLETED', 'FAILED', 'COMPLETED']);
    expect(seen[0]).to.deep.equal({ total: 3, pending: 3, running: 0, succeeded: 0, failed: 0 });
    expect(seen[2]).to.deep.equal({ total: 3, pending: 1, running: 1, succeeded: 0, failed: 1 });
    expect(seen[seen.length - 1]).to.deep.equal({
      total: 3,
      pending: 0,
      running: 0,
      succeeded: 2,
      failed: 1,
    });
  });

  it('stop as soon as an ended task meets the stop condition', async () => {
    let reads = 0;
    const job = await followJob({
      jobId: '8',
      tasks: 4,
      pollMs: 1,
      settleMs: 0,
      read: () => {
        reads++;
        return [
          { taskIds: [0], state: 'FAILED', exitCode: 78 },
          { taskIds: [1, 2, 3], state: 'PENDING', exitCode: 0 },
        ];
      },
      stopWhen: (t) => t.exitCode === 78,
    });
    expect(reads).to.equal(1);
    expect(job.stopped).to.equal(true);
    expect(job.failed.map((t) => t.index)).to.deep.equal([0]);
  });

  it('follow a job that is no array as task 0, and count a cancelled or timed-out task as failed', async () => {
    const job = await followJob({
      jobId: '9',
      tasks: 1,
      pollMs: 1,
      settleMs: 0,
      read: polls([{ state: 'RUNNING', exitCode: 0 }], [{ state: 'TIMEOUT', exitCode: 0 }]),
    });
    expect(job.failed).to.deep.equal([{ index: 0, state: 'TIMEOUT', exitCode: 0 }]);
  });

  it('does not take a task killed for a requeue, final for a moment, as failed', async () => {
    const job = await followJob({
      jobId: '9',
      tasks: 2,
      pollMs: 1,
      settleMs: 0,
      read: polls(
        [
          { taskIds: [0], state: 'RUNNING', exitCode: 0 },
          { taskIds: [1], state: 'COMPLETED', exitCode: 0 },
        ],
        // Task 0 killed by `scontrol requeue`: FAILED for one look, then pending again.
        [
          { taskIds: [0], state: 'FAILED', exitCode: 1 },
          { taskIds: [1], state: 'COMPLETED', exitCode: 0 },
        ],
        [
          { taskIds: [0], state: 'PENDING', exitCode: 0 },
          { taskIds: [1], state: 'COMPLETED', exitCode: 0 },
        ],
        [
          { taskIds: [0], state: 'COMPLETED', exitCode: 0 },
          { taskIds: [1], state: 'COMPLETED', exitCode: 0 },
        ],
      ),
    });
    expect(job.failed).to.deep.equal([]);
    expect(job.tasks.map((t) => t.state)).to.deep.equal(['COMPLETED', 'COMPLETED']);
  });
});
