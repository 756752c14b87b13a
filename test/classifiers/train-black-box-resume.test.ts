import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { straightAndResumed } from '../helpers/training-process';
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
    // The killed run hangs after step 7, between the checkpoints of steps 5 and 8.
    const { straight, killed } = await straightAndResumed(CHILD, tmp, {
      hangAt: 7,
      killedAfter: 5,
    });
    expect(record(killed.out).resumedFrom).to.deep.equal({ epoch: 1, step: 1 });
    expectSameBytes(path.join(killed.out, 'weights.bin'), path.join(straight.out, 'weights.bin'));
    expect(record(killed.out).epochs).to.deep.equal(record(straight.out).epochs);
  });
});
