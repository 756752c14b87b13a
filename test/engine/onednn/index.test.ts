/** Registering the onednn engine's kernels over wasm's, and putting wasm's back. */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { engineInfo, initEngine } from '../../../lib/engine/backend';
import { onOnednnEngine } from '../../helpers/onednn-engine';
import { ONEDNN_ADDED_KERNELS, ONEDNN_KERNELS } from '../../../lib/engine/onednn/index';

describe('engine/onednn', function () {
  onOnednnEngine();

  it('switching to the wasm engine puts back its kernels and removes the added ones, and back to onednn replaces and adds them again', async () => {
    const onednnFuncs = ONEDNN_KERNELS.map((k) => tf.getKernel(k, 'wasm')!.kernelFunc);
    await initEngine({ engine: 'wasm' });
    const wasmFuncs = ONEDNN_KERNELS.map((k) => tf.getKernel(k, 'wasm')!.kernelFunc);
    wasmFuncs.forEach((f, i) => expect(f, ONEDNN_KERNELS[i]).to.not.equal(onednnFuncs[i]));
    for (const k of ONEDNN_ADDED_KERNELS) expect(tf.getKernel(k, 'wasm'), k).to.equal(undefined);
    await initEngine({ engine: 'onednn' });
    expect(engineInfo().addedKernels).to.include.members([
      ...ONEDNN_KERNELS,
      ...ONEDNN_ADDED_KERNELS,
    ]);
    for (const k of ONEDNN_ADDED_KERNELS)
      expect(tf.getKernel(k, 'wasm'), k).not.to.equal(undefined);
    ONEDNN_KERNELS.forEach((k, i) =>
      expect(tf.getKernel(k, 'wasm')!.kernelFunc, k).to.not.equal(wasmFuncs[i]),
    );
  });
});
