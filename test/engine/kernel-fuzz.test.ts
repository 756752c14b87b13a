/**
 * A seeded sample of the kernel fuzzer (`npm run fuzz` runs thousands of
 * cases): the current engine's kernels against the cpu backend.
 */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { FUZZ_KINDS, fuzzCase, fuzzKernels, isFuzzFailure } from '../../lib/engine/kernel-fuzz';
import { skipOnEngine } from '../helpers/engine-requirement';

/** Why the tests that compare with the cpu backend skip on the cpu engine. */
const ON_CPU =
  "the fuzzer compares this engine's kernels with the cpu backend, which would be comparing cpu with itself (SALIENCY_BACKEND=wasm or onednn runs it)";

describe('engine: kernel fuzzer (seeded sample)', () => {
  it('draws the same case for the same seed and index, and other cases for others', () => {
    expect(fuzzCase(3, 17).params).to.deep.equal(fuzzCase(3, 17).params);
    expect(fuzzCase(3, 17).params).not.to.deep.equal(fuzzCase(4, 17).params);
    expect(FUZZ_KINDS.map((_, i) => fuzzCase(0, i).kind)).to.deep.equal([...FUZZ_KINDS]);
  });

  it('finds no difference from the cpu backend over 64 cases of every kind, and leaks no tensor', async function () {
    skipOnEngine(this, 'cpu', ON_CPU);
    const before = tf.memory().numTensors;
    const results = await fuzzKernels({ seed: 2026, count: 64 });
    expect(tf.memory().numTensors).to.equal(before);
    expect(new Set(results.map((r) => r.kind)).size).to.equal(FUZZ_KINDS.length);
    for (const r of results) {
      expect(
        r.error === undefined || r.error.startsWith('both threw'),
        `${r.kind} #${r.index}: ${r.error}`,
      ).to.equal(true);
      expect(r.relativeError, `${r.kind} #${r.index} ${JSON.stringify(r.params)}`).to.be.at.most(
        1e-4,
      );
    }
  });

  it('agrees with the cpu backend on the cases the fuzzer once failed', async function () {
    skipOnEngine(this, 'cpu', ON_CPU);
    // Seed 0: 'same' convolutions whose stride exceeds the kernel (wasm passed them to XNNPACK's SAME flag),
    // and 377-378, where a phase of the input gradient read no row of dy (XNNPACK left the output unwritten).
    // The indices are of the kinds the fuzzer drew then (case i is of kind i mod their count).
    const kinds = FUZZ_KINDS.slice(0, FUZZ_KINDS.indexOf('AdamUpdate') + 1);
    const found = [72, 259, 264, 409, 609, 617, 633, 779];
    const results = [...(await fuzzKernels({ seed: 0, from: 377, count: 2, kinds }))];
    for (const index of found)
      results.push(...(await fuzzKernels({ seed: 0, from: index, count: 1, kinds })));
    for (const r of results)
      expect(r.relativeError, `${r.kind} #${r.index} ${JSON.stringify(r.params)}`).to.be.at.most(
        1e-4,
      );
  });

  it('tells a gradient through a ReLU kink from a failure', async function () {
    skipOnEngine(this, 'cpu', ON_CPU);
    // Case 567 of seed 0: one pre-activation is exactly 0 here and 4.8e-8 on cpu (sums in
    // another order), so the ReLU passes the gradient on one backend only.
    const [kink] = await fuzzKernels({ seed: 0, from: 567, count: 1 });
    expect(kink.kind).to.equal('FusedConv2DGradients');
    expect(kink.kinkCrossings).to.equal(1);
    expect(kink.relativeError).to.be.above(1e-4);
    expect(isFuzzFailure(kink, 1e-4)).to.equal(false);
    expect(isFuzzFailure({ ...kink, kinkCrossings: undefined }, 1e-4)).to.equal(true);
    expect(isFuzzFailure({ ...kink, error: 'both threw: x' }, 1e-4)).to.equal(false);
  });

  it('reports a kernel that disagrees with the cpu backend', async function () {
    skipOnEngine(this, 'cpu', ON_CPU);
    const backend = tf.getBackend();
    const original = tf.getKernel('Sum', backend)!;
    // A Sum that is off by one on this backend only.
    tf.unregisterKernel('Sum', backend);
    tf.registerKernel({
      ...original,
      kernelFunc: (args) => {
        const out = original.kernelFunc(args) as tf.TensorInfo;
        const one = tf.scalar(1);
        const wrong = tf
          .engine()
          .runKernel('Add', { a: out as unknown as tf.Tensor, b: one }, {}) as tf.TensorInfo;
        one.dispose();
        (args.backend as tf.KernelBackend).disposeData(out.dataId);
        return wrong;
      },
    });
    try {
      const sums = FUZZ_KINDS.indexOf('Sum');
      const [result] = await fuzzKernels({ seed: 1, from: sums, count: 1 });
      expect(result.kind).to.equal('Sum');
      expect(result.relativeError).to.be.above(1e-3);
    } finally {
      tf.unregisterKernel('Sum', backend);
      tf.registerKernel(original);
    }
  });
});
