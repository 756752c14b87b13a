/**
 * Filters kept in oneDNN's layout under a key: reused only while both the
 * key and the address are the same, so new values under a new key, at a new
 * address or without a key are always read; through tfjs, a variable's new
 * value and a filter disposed and re-created in the same heap place are seen.
 */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { onOnednnEngine } from '../../helpers/onednn-engine';
import { loadOnednnAddon } from '../../../lib/engine/onednn/addon';

// n, ih, iw, ci, kh, kw, co, oh, ow, strides, dilations, pads: 32 channels, so oneDNN picks a blocked filter layout.
const DIMS = Int32Array.from([1, 4, 4, 32, 3, 3, 32, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0]);
const [X, W, Y] = [4 * 4 * 32, 3 * 3 * 32 * 32, 2 * 2 * 32];

function forward(filter: Float32Array, key?: number): Float32Array {
  const x = new Float32Array(X).fill(1);
  const y = new Float32Array(Y);
  loadOnednnAddon().forward(x, filter, null, y, DIMS, 0, 0, key);
  return y;
}

describe('engine/onednn: filters kept under a key', function () {
  onOnednnEngine();

  it('reuses a kept filter only for the same key at the same address', () => {
    const heap = new Float32Array(2 * W);
    const filter = heap.subarray(0, W).fill(1);
    const ones = forward(filter, 7)[0];
    filter.fill(2);
    // The same key and address promise the same values: the kept filter is used.
    expect(forward(filter, 7)[0]).to.equal(ones);
    expect(forward(filter, 8)[0]).to.equal(2 * ones);
    expect(forward(filter)[0]).to.equal(2 * ones);
    expect(forward(filter, -1)[0]).to.equal(2 * ones);
    const moved = heap.subarray(W).fill(3);
    expect(forward(moved, 8)[0]).to.equal(3 * ones);
    loadOnednnAddon().clearFilters();
    filter.fill(4);
    expect(forward(filter, 7)[0]).to.equal(4 * ones);
    expect(() => forward(filter, NaN)).to.throw(/filterKey must be a finite number/);
  });

  it("sees a variable's new value and a re-created filter through tfjs", () => {
    const x = tf.ones([1, 4, 4, 32]) as tf.Tensor4D;
    const v = tf.variable(tf.ones([3, 3, 32, 32]));
    const conv = () => tf.tidy(() => tf.conv2d(x, v as tf.Tensor4D, 1, 'valid').dataSync()[0]);
    const first = conv();
    v.assign(tf.fill([3, 3, 32, 32], 2));
    expect(conv()).to.equal(2 * first);
    for (let k = 3; k < 6; k++) {
      const w = tf.fill([3, 3, 32, 32], k) as tf.Tensor4D;
      expect(tf.tidy(() => tf.conv2d(x, w, 1, 'valid').dataSync()[0])).to.equal(k * first);
      w.dispose();
    }
    tf.dispose([x, v]);
  });
});
