import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint, saveCheckpoint } from '../../lib/models/checkpoint';
import { ScheduledAdam } from '../../lib/models/scheduled-adam';
import { tinyModel } from './tiny-saved-model';

/** One Adam step on a fixed batch. */
function step(model: tf.LayersModel, optimizer: tf.Optimizer): void {
  const x = tf.randomUniform([4, 8, 8, 3], 0, 1, 'float32', 11);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 4);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  tf.dispose(optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar, false, variables) ?? []);
  tf.dispose([x, y]);
}

describe('checkpoints', () => {
  it('restore weights and Adam state so that the next steps match bit for bit', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ckpt-test-'));
    const a = tinyModel('linear', 1);
    const optA = new ScheduledAdam(0.01);
    // 5 steps: a point where pow(β2, 6) differs from the running product of the β2's.
    for (let i = 0; i < 5; i++) step(a, optA);
    await saveCheckpoint(dir, a, optA, { epoch: 0, step: 5, globalStep: 5, trainSeconds: 1, history: { note: 'x' }, configKey: 'k' });
    const b = tinyModel('linear', 2);
    const optB = new ScheduledAdam(0.01);
    const position = await loadCheckpoint<{ note: string }>(dir, b, optB, 'k');
    expect(position).to.deep.include({ epoch: 0, step: 5, globalStep: 5, history: { note: 'x' } });
    for (let i = 0; i < 2; i++) {
      step(a, optA);
      step(b, optB);
    }
    expect(b.getWeights().map((w) => Array.from(w.dataSync()))).to.deep.equal(a.getWeights().map((w) => Array.from(w.dataSync())));
    let error: Error | undefined;
    await loadCheckpoint(dir, b, optB, 'other').catch((e: Error) => (error = e));
    expect(error?.message).to.match(/another configuration.*--fresh/);
    expect(await loadCheckpoint(path.join(dir, 'none'), b, optB, 'k')).to.equal(undefined);
    [a, b].forEach((m) => m.dispose());
    [optA, optB].forEach((o) => o.dispose());
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
