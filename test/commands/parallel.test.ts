import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  assertAllSucceeded,
  runInParallel,
  runOncePerValue,
  withoutFlags,
} from '../../lib/commands/parallel';
import { coresPerJob, threadBudget } from '../../lib/engine/thread-budget';

describe('parallel', () => {
  it('withoutFlags drops the flags and their values in both spellings', () => {
    expect(
      withoutFlags(['--arch', 'all', '--epochs', '2', '--jobs=2', '--fresh'], ['--arch', '--jobs']),
    ).to.deep.equal(['--epochs', '2', '--fresh']);
  });

  it('runs every child, jobs at a time, and reports each exit code', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parallel-'));
    const script = path.join(dir, 'child.js');
    fs.writeFileSync(
      script,
      `require('fs').writeFileSync(process.argv[2], 'done ' + process.env.SALIENCY_CORES); process.exit(Number(process.argv[3]));`,
    );
    const runs = [0, 1, 2].map((i) => ({
      label: `run${i}`,
      script,
      args: [path.join(dir, `out${i}`), i === 1 ? '3' : '0'],
    }));
    const results = await runInParallel(runs, 2);
    expect(results.map((r) => [r.label, r.exitCode])).to.deep.equal([
      ['run0', 0],
      ['run1', 3],
      ['run2', 0],
    ]);
    // Each of the 2 jobs gets its share of this process's cores (a fixed count passes through as it is).
    const budget = threadBudget();
    const cores = budget.followsFreeCores
      ? String(coresPerJob(budget, 2))
      : process.env.SALIENCY_CORES;
    for (let i = 0; i < 3; i++)
      expect(fs.readFileSync(path.join(dir, `out${i}`), 'utf8')).to.equal(`done ${cores}`);
    expect(() => assertAllSucceeded(results)).to.throw('run1 (exit 3)');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("runOncePerValue gives each child the parent's flags with its own value, and names a failed one", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parallel-'));
    const script = path.join(dir, 'child.js');
    // Writes its arguments to <dir>/<value of --arch>; fails for --arch bad.
    fs.writeFileSync(
      script,
      `const a = process.argv.slice(2); const v = a[a.indexOf('--arch') + 1];
       require('fs').writeFileSync(require('path').join(${JSON.stringify(dir)}, v), a.join(' '));
       process.exit(v === 'bad' ? 2 : 0);`,
    );
    const parent = ['--arch', 'all', '--epochs', '2', '--jobs', '2', '--shard=0/1'];
    await runOncePerValue(script, '--arch', ['plain', 'residual'], 2, parent);
    expect(fs.readFileSync(path.join(dir, 'plain'), 'utf8')).to.equal('--epochs 2 --arch plain');
    expect(fs.readFileSync(path.join(dir, 'residual'), 'utf8')).to.equal(
      '--epochs 2 --arch residual',
    );
    let message = '';
    await runOncePerValue(script, '--arch', ['plain', 'bad'], 1, parent).catch(
      (e: Error) => (message = e.message),
    );
    expect(message).to.equal('failed runs: bad (exit 2)');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rejects a job count that is not a positive integer', async () => {
    let message = '';
    await runInParallel([], 0).catch((e: Error) => (message = e.message));
    expect(message).to.contain('--jobs must be an integer >= 1, got 0');
  });
});
