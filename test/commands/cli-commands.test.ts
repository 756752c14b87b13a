/**
 * The commands in experiments/ as a user meets them: a user error ends the
 * process with exit code 2 and one `error: …` line on stderr, no stack.
 * The invocations run as child processes, all at once, before the checks.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCommand } from '../helpers/run-command';

interface Outcome {
  status: number | null;
  stderr: string;
}

describe('cli: commands stopped by user errors', function () {
  this.timeout(120000);
  let dir: string;
  let outcomes: Record<'zeroJobs' | 'unknownFlag' | 'missingDir' | 'truncatedResult', Outcome>;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-commands-'));
    const corrupt = path.join(dir, 'corrupt');
    fs.mkdirSync(corrupt);
    fs.writeFileSync(
      path.join(corrupt, 'gradient__plain.json'),
      '{"method": "gradient", "scores": {"localisation"',
    );
    const [zeroJobs, unknownFlag, missingDir, truncatedResult] = (
      await Promise.all([
        runCommand('evaluate', ['--jobs', '0']),
        runCommand('evaluate', ['--job', '2']),
        runCommand('make-table', ['--dir', path.join(dir, 'missing')]),
        runCommand('make-table', ['--dir', corrupt]),
      ])
    ).map(({ status, stderr }) => ({ status, stderr }));
    outcomes = { zeroJobs, unknownFlag, missingDir, truncatedResult };
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a bad flag value: exit 2 and one line naming the flag, the value and the rule', () => {
    expect(outcomes.zeroJobs).to.deep.equal({
      status: 2,
      stderr: "error: --jobs must be an integer >= 1, got '0'\n",
    });
  });

  it("an unknown flag: exit 2 with commander's message", () => {
    expect(outcomes.unknownFlag.status).to.equal(2);
    expect(outcomes.unknownFlag.stderr).to.match(/^error: unknown option '--job'/);
  });

  it('a missing folder: exit 2, and make-table creates nothing there', () => {
    const missing = path.join(dir, 'missing');
    expect(outcomes.missingDir).to.deep.equal({
      status: 2,
      stderr: `error: --dir must be a folder of results files of experiments/paper/evaluate.ts (its --out), got '${missing}': it does not exist\n`,
    });
    expect(fs.existsSync(missing)).to.equal(false);
  });

  it('a truncated results file: exit 2 naming the file, the parse error and the remedy', () => {
    const { status, stderr } = outcomes.truncatedResult;
    expect(status).to.equal(2);
    expect(stderr).to.match(
      /^error: \S+corrupt\/gradient__plain\.json is not valid JSON \(.+\); delete it, or evaluate that pair again with experiments\/paper\/evaluate\.ts\n$/,
    );
    expect(fs.existsSync(path.join(dir, 'corrupt', 'table.md'))).to.equal(false);
  });
});
