import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import {
  ensureEngine,
  fallBackNotice,
  initEngine,
  engineInfo,
  slowBackendWarning,
} from '../../lib/engine/backend';

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
      console.log(
        '      skipped: @tensorflow/tfjs-node-gpu is installed here, so forcing it would load',
      );
      this.skip();
    }
    let message = '';
    await initEngine({ engine: 'node-gpu' }).catch((e: Error) => (message = e.message));
    expect(message).to.contain('@tensorflow/tfjs-node-gpu');
    expect(engineInfo().backend).to.equal(tf.getBackend());
  });

  it('words the fall-back notice as one line naming the engine and why the others did not start', () => {
    expect(fallBackNotice('wasm', [])).to.equal(undefined);
    expect(fallBackNotice('wasm', [{ engine: 'onednn', reason: 'addon missing' }])).to.equal(
      'saliency-kit: engine wasm (onednn unavailable: addon missing)',
    );
    expect(
      fallBackNotice('cpu', [
        { engine: 'onednn', reason: 'a' },
        { engine: 'wasm', reason: 'b' },
      ]),
    ).to.equal('saliency-kit: engine cpu (onednn unavailable: a; wasm unavailable: b)');
  });

  it('ensureEngine returns the running engine without switching it, and concurrent starts agree', async () => {
    const running = engineInfo();
    expect(await ensureEngine()).to.equal(running);
    const [a, b] = await Promise.all([initEngine(), ensureEngine()]);
    expect(a).to.equal(running);
    expect(b).to.equal(running);
  });

  it('warns about the cpu backend only when the kit did not choose it', async function () {
    const { backend } = engineInfo();
    if (backend === 'cpu') {
      expect(slowBackendWarning()).to.equal(undefined);
      console.log(
        '      (the kit chose cpu here: the switch to cpu behind its back is checked on the other engines)',
      );
      return;
    }
    expect(slowBackendWarning()).to.equal(undefined);
    await tf.setBackend('cpu');
    try {
      expect(slowBackendWarning()).to.match(
        /^saliency-kit: running on the pure-JS cpu backend, .* \(the kit started \w+, but the backend was switched to cpu since\); await initEngine\(\) from the kit first$/,
      );
    } finally {
      await tf.setBackend(backend);
    }
    expect(slowBackendWarning()).to.equal(undefined);
  });
});
