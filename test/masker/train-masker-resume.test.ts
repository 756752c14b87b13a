import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { straightAndResumed } from '../helpers/training-process';
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
    // The killed run hangs after step 7, between the checkpoints of steps 5 and 10 (and after the curve point of step 4).
    const { straight, killed } = await straightAndResumed(CHILD, tmp, {
      hangAt: 7,
      killedAfter: 5,
    });
    expect(record(killed.out).resumedFrom).to.equal(5);
    expectSameBytes(
      path.join(killed.out, 'masker.weights.bin'),
      path.join(straight.out, 'masker.weights.bin'),
    );
    expect(record(killed.out).curve).to.deep.equal(record(straight.out).curve);
  });
});
