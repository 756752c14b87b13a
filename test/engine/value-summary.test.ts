/**
 * The range checks' value summary (min, max, NaN count) as one kernel: the
 * same answer as tfjs's ops on every engine, one kernel on the wasm backend's
 * engines, the addon's loop equal to the JavaScript one, no leak.
 */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { engineInfo } from '../../lib/engine/backend';
import { loadOnednnAddon } from '../../lib/engine/onednn/addon';
import {
  VALUE_SUMMARY,
  valueSummary,
  valueSummaryInJavaScript,
} from '../../lib/engine/value-summary';
import { WASM_BACKEND_ENGINES } from '../helpers/engine-requirement';
import { Random } from '../../lib/core/random';

describe('engine: value summary of the range checks', () => {
  it('gives min, max and the NaN count of float and int tensors, without leaks', () => {
    const x = tf.tensor([0.5, -2, 7, 3], [2, 2]);
    expect(valueSummary(x)).to.deep.equal({ min: -2, max: 7, nans: 0 });
    const withNaN = tf.tensor([NaN, 1, NaN, -1]);
    expect(valueSummary(withNaN).nans).to.equal(2);
    const ints = tf.tensor([4, -9, 2], [3], 'int32');
    expect(valueSummary(ints)).to.deep.equal({ min: -9, max: 4, nans: 0 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) valueSummary(x);
    expect(tf.memory().numTensors).to.equal(before);
    tf.dispose([x, withNaN, ints]);
  });

  it('runs as one kernel on the wasm backend engines', async function () {
    if (!WASM_BACKEND_ENGINES.includes(engineInfo().engine)) this.skip();
    const x = tf.randomUniform([4, 8, 8, 3]);
    const profile = await tf.profile(() => {
      valueSummary(x);
      return tf.scalar(0);
    });
    expect(profile.kernels.map((k) => k.name).filter((n) => n !== 'Cast')).to.deep.equal([
      VALUE_SUMMARY,
    ]);
    x.dispose();
  });

  it("the addon's loop gives the JavaScript loop's answer, NaN and infinities included", function () {
    if (engineInfo().engine !== 'onednn') this.skip();
    const r = new Random('value-summary');
    for (const n of [1, 5, 1000, 100_000]) {
      const x = Float32Array.from({ length: n }, () => r.uniform(-5, 5));
      if (n > 1) x[r.int(0, n)] = NaN;
      if (n > 5) x[r.int(0, n)] = -Infinity;
      const [js, native] = [new Float32Array(3), new Float32Array(3)];
      valueSummaryInJavaScript(x, js);
      loadOnednnAddon().valueSummary(x, native);
      expect([...native], `n = ${n}`).to.deep.equal([...js]);
    }
    const allNaN = new Float32Array(3);
    loadOnednnAddon().valueSummary(Float32Array.of(NaN, NaN), allNaN);
    expect([...allNaN]).to.deep.equal([Infinity, -Infinity, 2]);
    expect(() => loadOnednnAddon().valueSummary(new Float32Array(4), new Float32Array(2))).to.throw(
      /^value summary \(4 values\): out has 2 values, the shape needs 3$/,
    );
  });
});
