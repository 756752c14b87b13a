import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { killAfterCheckpoint, runToEnd } from '../helpers/training-process';
import { expectSameBytes } from '../helpers/same-bytes';
import { skipOnEngine } from '../helpers/engine-requirement';

const CHILD = path.join(__dirname, 'black-box-training-child.ts');
const record = (out: string) =>
  JSON.parse(fs.readFileSync(path.join(out, 'record.json'), 'utf8')) as {
    epochs: unknown[];
    resumedFrom: unknown;
  };

describe('classifiers/train-black-box: kill and resume', function () {
  this.timeout(60000);
  let tmp = '';
  before(function () {
    skipOnEngine(
      this,
      'cpu',
      'the plain net trains too slowly on the cpu backend for its three child runs to end within the 60 s limit (SALIENCY_BACKEND=wasm runs it)',
    );
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-resume-'));
  });
  after(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

  it('a run killed with SIGKILL mid-epoch and resumed ends with the weights and epoch records of an uninterrupted run, bit for bit', async () => {
    const [straight, killed] = ['straight', 'killed'].map((name) => ({
      checkpoints: path.join(tmp, name, 'ckpt'),
      out: path.join(tmp, name, 'out'),
    }));
    // The killed run hangs after step 7, between the checkpoints of steps 5 and 8.
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
    expect(record(killed.out).resumedFrom).to.deep.equal({ epoch: 1, step: 1 });
    expectSameBytes(path.join(killed.out, 'weights.bin'), path.join(straight.out, 'weights.bin'));
    expect(record(killed.out).epochs).to.deep.equal(record(straight.out).epochs);
  });
});
