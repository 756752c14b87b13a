/**
 * Mocha root hooks: start the engine once before any test.
 * `SALIENCY_BACKEND` picks the engine as everywhere in the kit (default: the first that loads).
 */
import { initEngine } from '../lib/engine/backend';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60000);
    const info = await initEngine();
    console.log(`    engine: ${info.engine} (backend ${info.backend})`);
  },
};
