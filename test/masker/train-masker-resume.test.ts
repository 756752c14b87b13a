import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { killAfterCheckpoint, runToEnd } from '../helpers/training-process';
import { expectSameBytes } from '../helpers/same-bytes';

const CHILD = path.join(__dirname, 'masker-training-child.ts');
const record = (out: string) =>
  JSON.parse(fs.readFileSync(path.join(out, 'record.json'), 'utf8')) as {
    curve: unknown[];
    resumedFrom: number;
  };

describe('masker/train-masker: kill and resume', function () {
  this.timeout(60000);
  let tmp = '';
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'masker-resume-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('a run killed with SIGKILL between checkpoints and resumed ends with the weights and loss curve of an uninterrupted run, bit for bit', async () => {
    const [straight, killed] = ['straight', 'killed'].map((name) => ({
      checkpoints: path.join(tmp, name, 'ckpt'),
      out: path.join(tmp, name, 'out'),
    }));
    // The killed run hangs after step 7, between the checkpoints of steps 5 and 10 (and after the curve point of step 4).
    const [, killedAt] = await Promise.all([
      runToEnd(CHILD, [straight.checkpoints, straight.out]),
      killAfterCheckpoint(
        CHILD,
        [killed.checkpoints, killed.out, '--hang-at', '7'],
        killed.checkpoints,
        5,
      ),
    ]);
    expect(killedAt).to.equal(5);
    expect(fs.existsSync(killed.out)).to.equal(false);
    await runToEnd(CHILD, [killed.checkpoints, killed.out]);
    expect(record(killed.out).resumedFrom).to.equal(5);
    expectSameBytes(
      path.join(killed.out, 'masker.weights.bin'),
      path.join(straight.out, 'masker.weights.bin'),
    );
    expect(record(killed.out).curve).to.deep.equal(record(straight.out).curve);
  });
});
