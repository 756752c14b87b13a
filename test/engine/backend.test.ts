import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { initEngine, engineInfo } from '../../lib/engine/backend';

describe('engine/backend', () => {
  it('reports the backend that tfjs runs', () => {
    expect(engineInfo().backend).to.equal(tf.getBackend());
  });

  it('rejects an unknown engine name with the list of valid ones', async () => {
    const saved = process.env.SALIENCY_BACKEND;
    process.env.SALIENCY_BACKEND = 'tpu';
    try {
      let message = '';
      await initEngine().catch((e: Error) => (message = e.message));
      expect(message).to.match(/SALIENCY_BACKEND="tpu".*node-gpu, node, onednn, wasm, cpu/);
    } finally {
      if (saved === undefined) delete process.env.SALIENCY_BACKEND;
      else process.env.SALIENCY_BACKEND = saved;
    }
  });

  it('names the package when a forced engine cannot load', async function () {
    // Only where the package is not installed must forcing it fail with the package's name.
    let installed = true;
    try {
      require.resolve('@tensorflow/tfjs-node-gpu');
    } catch {
      installed = false;
    }
    if (installed) {
      console.log('      skipped: @tensorflow/tfjs-node-gpu is installed here, so forcing it would load');
      this.skip();
    }
    let message = '';
    await initEngine({ engine: 'node-gpu' }).catch((e: Error) => (message = e.message));
    expect(message).to.contain('@tensorflow/tfjs-node-gpu');
    expect(engineInfo().backend).to.equal(tf.getBackend());
  });
});
