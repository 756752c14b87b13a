import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  findOnPath,
  parseSacctJobs,
  parseSbatchJobId,
  parseScontrolJobs,
  parseTaskIds,
  requireSlurmCommands,
} from '../../lib/cluster/slurm-client';
import { isUserError } from '../../lib/core/user-error';

describe('Slurm client (lib/cluster/slurm-client.ts)', () => {
  it("read the task ids of Slurm's lists", () => {
    expect(parseTaskIds('3')).to.deep.equal([3]);
    expect(parseTaskIds('0-3')).to.deep.equal([0, 1, 2, 3]);
    expect(parseTaskIds('[1,4-6]')).to.deep.equal([1, 4, 5, 6]);
    expect(parseTaskIds('0-15%4')).to.have.length(16);
    expect(() => parseTaskIds('a-b')).to.throw(/not a Slurm task id list/);
  });

  it('read the job id sbatch --parsable prints', () => {
    expect(parseSbatchJobId('123\n')).to.equal('123');
    expect(parseSbatchJobId('123;cluster-a\n')).to.equal('123');
    expect(() => parseSbatchJobId('sbatch: error: x')).to.throw(/sbatch printed no job id/);
  });

  it('read states and exit codes from scontrol -o show job', () => {
    const output = [
      'JobId=12 ArrayJobId=12 ArrayTaskId=2-3 JobName=ablate JobState=PENDING Reason=Resources ExitCode=0:0 NodeList=(null)',
      'JobId=14 ArrayJobId=12 ArrayTaskId=1 JobName=ablate JobState=FAILED Reason=NonZeroExitCode ExitCode=2:0',
      'JobId=13 ArrayJobId=12 ArrayTaskId=0 JobName=ablate JobState=CANCELLED Reason=None ExitCode=0:15',
      'JobId=20 JobName=ablate-merge JobState=RUNNING Reason=None ExitCode=0:0',
      '',
    ].join('\n');
    expect(parseScontrolJobs(output)).to.deep.equal([
      { taskIds: [2, 3], state: 'PENDING', exitCode: 0 },
      { taskIds: [1], state: 'FAILED', exitCode: 2 },
      { taskIds: [0], state: 'CANCELLED', exitCode: 128 + 15 },
      { taskIds: undefined, state: 'RUNNING', exitCode: 0 },
    ]);
  });

  it('read states and exit codes from sacct -P', () => {
    const output =
      '12_0|COMPLETED|0:0\n12_1|CANCELLED by 0|0:15\n12_[2-3]|PENDING|0:0\n20|FAILED|1:0\n';
    expect(parseSacctJobs(output)).to.deep.equal([
      { taskIds: [0], state: 'COMPLETED', exitCode: 0 },
      { taskIds: [1], state: 'CANCELLED', exitCode: 143 },
      { taskIds: [2, 3], state: 'PENDING', exitCode: 0 },
      { taskIds: undefined, state: 'FAILED', exitCode: 1 },
    ]);
  });

  it('find a command on PATH, and name the Slurm command missing from it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kit-path-'));
    try {
      for (const c of ['sbatch', 'scontrol'])
        fs.writeFileSync(path.join(dir, c), '', { mode: 0o755 });
      fs.writeFileSync(path.join(dir, 'scancel'), '', { mode: 0o644 }); // not executable
      expect(findOnPath('sbatch', dir)).to.equal(path.join(dir, 'sbatch'));
      expect(findOnPath('scancel', dir)).to.equal(undefined);
      let error: unknown;
      try {
        requireSlurmCommands(dir);
      } catch (err) {
        error = err;
      }
      expect(isUserError(error)).to.equal(true);
      expect((error as Error).message).to.match(
        /^no scancel on PATH: submitting needs Slurm's client commands/,
      );
      expect(() => requireSlurmCommands('')).to.throw(/^no sbatch on PATH/);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });
});
