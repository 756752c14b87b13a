import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint, saveCheckpoint } from '../../lib/classifiers/black-box-checkpoint';
import { ScheduledAdam } from '../../lib/classifiers/scheduled-adam';
import { damagedCopy, expectCorrupt, truncate } from '../helpers/corrupt-checkpoint';
import { tinyModel } from './tiny-saved-model';

/** One Adam step on a fixed batch. */
function step(model: tf.LayersModel, optimizer: tf.Optimizer): void {
  const x = tf.randomUniform([4, 8, 8, 3], 0, 1, 'float32', 11);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 4);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  tf.dispose(
    optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar,
      false,
      variables,
    ) ?? [],
  );
  tf.dispose([x, y]);
}

describe('checkpoints', () => {
  it('restore weights and Adam state so that the next steps match bit for bit', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ckpt-test-'));
    const a = tinyModel('linear', 1);
    const optA = new ScheduledAdam(0.01);
    // 5 steps: a point where pow(β2, 6) differs from the running product of the β2's.
    for (let i = 0; i < 5; i++) step(a, optA);
    await saveCheckpoint(dir, a, optA, {
      epoch: 0,
      step: 5,
      globalStep: 5,
      trainSeconds: 1,
      history: { note: 'x' },
      configKey: 'k',
    });
    const b = tinyModel('linear', 2);
    const optB = new ScheduledAdam(0.01);
    const position = await loadCheckpoint<{ note: string }>(dir, b, optB, 'k');
    expect(position).to.deep.include({ epoch: 0, step: 5, globalStep: 5, history: { note: 'x' } });
    for (let i = 0; i < 2; i++) {
      step(a, optA);
      step(b, optB);
    }
    expect(b.getWeights().map((w) => Array.from(w.dataSync()))).to.deep.equal(
      a.getWeights().map((w) => Array.from(w.dataSync())),
    );
    let error: Error | undefined;
    await loadCheckpoint(dir, b, optB, 'other').catch((e: Error) => (error = e));
    expect(error?.message).to.match(/another configuration.*--fresh/);
    expect(await loadCheckpoint(path.join(dir, 'none'), b, optB, 'k')).to.equal(undefined);
    [a, b].forEach((m) => m.dispose());
    [optA, optB].forEach((o) => o.dispose());
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('checkpoints: corrupt files', () => {
  let tmp = '';
  let source = '';
  const model = tinyModel('linear', 3);
  const optimizer = new ScheduledAdam(0.01);
  const load = (dir: string) => async () => {
    const [into, adam] = [tinyModel('linear', 4), new ScheduledAdam(0.01)];
    try {
      await loadCheckpoint(dir, into, adam, 'k');
    } finally {
      into.dispose();
      adam.dispose();
    }
  };
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ckpt-corrupt-'));
    source = path.join(tmp, 'ckpt');
    step(model, optimizer);
    await saveCheckpoint(source, model, optimizer, {
      epoch: 0,
      step: 1,
      globalStep: 1,
      trainSeconds: 1,
      history: {},
      configKey: 'k',
    });
  });
  after(() => {
    model.dispose();
    optimizer.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('a truncated or malformed state.json', async () => {
    let file = '';
    let dir = damagedCopy(source, 'truncated-state', (_, latest) =>
      truncate((file = path.join(latest, 'state.json')), 40),
    );
    await expectCorrupt(load(dir), file, /state\.json is not valid JSON/, dir);
    dir = damagedCopy(source, 'malformed-state', (_, latest) => {
      file = path.join(latest, 'state.json');
      const state = JSON.parse(fs.readFileSync(file, 'utf8'));
      fs.writeFileSync(file, JSON.stringify({ ...state, globalStep: 'one' }));
    });
    await expectCorrupt(
      load(dir),
      file,
      /field "globalStep" is "one", expected a non-negative integer/,
      dir,
    );
  });

  it('a truncated, overlong or missing tensors.bin, checked against the specs before decoding', async () => {
    let file = '';
    let dir = damagedCopy(source, 'truncated-tensors', (_, latest) =>
      truncate((file = path.join(latest, 'tensors.bin')), 100),
    );
    await expectCorrupt(
      load(dir),
      file,
      /tensors\.bin holds 100 bytes, its specs in state\.json describe \d+/,
      dir,
    );
    dir = damagedCopy(source, 'long-tensors', (_, latest) =>
      fs.appendFileSync((file = path.join(latest, 'tensors.bin')), Buffer.alloc(4)),
    );
    await expectCorrupt(load(dir), file, /tensors\.bin holds \d+ bytes/, dir);
    dir = damagedCopy(source, 'no-tensors', (_, latest) =>
      fs.rmSync((file = path.join(latest, 'tensors.bin'))),
    );
    await expectCorrupt(load(dir), file, /tensors\.bin is missing/, dir);
  });

  it('a latest.json that is malformed or names a missing folder', async () => {
    let file = '';
    let dir = damagedCopy(source, 'truncated-latest', (d) =>
      truncate((file = path.join(d, 'latest.json')), 5),
    );
    await expectCorrupt(load(dir), file, /latest\.json is not valid JSON/, dir);
    dir = damagedCopy(source, 'dangling-latest', (d, latest) => {
      file = path.join(d, 'latest.json');
      fs.rmSync(latest, { recursive: true });
    });
    await expectCorrupt(
      load(dir),
      file,
      /latest\.json names ckpt-0000001, but there is no folder/,
      dir,
    );
  });
});
