/**
 * experiments/tools/submit.ts where no Slurm is needed: the dry run, and the
 * named errors that stop it before anything is submitted or written.
 * (test/cluster/submit-slurm.test.ts runs it on a real cluster.)
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const SWEEP = ['ablate', '--study', 'tv', '--tv', '1,2,3', '--iterations', '2'];

function submit(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(
    process.execPath,
    [
      require.resolve('ts-node/dist/bin'),
      '--transpile-only',
      path.join(ROOT, 'experiments', 'tools', 'submit.ts'),
      ...args,
    ],
    { encoding: 'utf8', env, cwd: ROOT },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('submit without Slurm (experiments/tools/submit.ts)', function () {
  this.timeout(120000);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kit-submit-cli-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('prints the array script with one task per setting on --dry-run, and writes nothing', () => {
    const out = path.join(tmp, 'dry');
    const logs = path.join(tmp, 'dry-logs');
    const run = submit([
      '--dry-run',
      '--cpus-per-task',
      '2',
      '--gpus',
      '1',
      '--logs',
      logs,
      '--merge',
      'figures --only ablation-lambda',
      '--',
      ...SWEEP,
      '--out',
      out,
    ]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain(`ablate: 3 units of work in 3 array tasks; results → ${out}/tv`);
    expect(run.stdout).to.contain('#SBATCH --array=0-2\n');
    expect(run.stdout).to.contain('#SBATCH --gres=gpu:1\n');
    expect(run.stdout).to.match(
      /ablate\.ts --study tv --tv 1,2,3 --iterations 2 --out \S+ --shard/,
    );
    expect(run.stdout).to.match(
      /--dependency=afterok:<array job id>[^]*figures\.ts --only ablation-lambda/,
    );
    expect(run.stdout).to.contain('dry run: nothing submitted');
    expect(fs.existsSync(out)).to.equal(false);
    expect(fs.existsSync(logs)).to.equal(false);
  });

  it('names a missing sbatch and writes nothing', () => {
    const out = path.join(tmp, 'no-slurm');
    // A PATH with Node on it and nothing else.
    const bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin);
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    const run = submit(['--logs', path.join(tmp, 'logs'), '--', ...SWEEP, '--out', out], {
      ...process.env,
      PATH: bin,
    });
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(
      /^error: no sbatch on PATH: submitting needs Slurm's client commands/m,
    );
    expect(fs.existsSync(out)).to.equal(false);
    expect(fs.existsSync(path.join(tmp, 'logs'))).to.equal(false);
  });

  it("names bad input, its own or the command's, before anything runs", () => {
    const cases: [string[], RegExp][] = [
      [
        ['--', 'explain', '--image', 'x.png'],
        /the command to submit must be one of ablate, evaluate/,
      ],
      [['--', ...SWEEP, '--shard', '0/2'], /--shard is what submit gives each task/],
      [['--mem', '4GB', '--', ...SWEEP], /--mem must be a whole number/],
      [
        ['--', 'ablate', '--study', 'tv', '--tv', '-1'],
        /ablate: --tv must be a comma-separated list of numbers >= 0/,
      ],
    ];
    for (const [args, message] of cases) {
      const run = submit(['--dry-run', ...args]);
      expect(run.code, args.join(' ')).to.equal(2);
      expect(run.stderr).to.match(message);
    }
  });
});
