/**
 * Mocha hooks for a suite that runs on the onednn engine: skipped (with the
 * reason) where the native addon is not built, and the engine the run started
 * with is restored after the suite.
 */
import { engineInfo, EngineName, initEngine } from '../../lib/engine/backend';
import { loadOnednnAddon } from '../../lib/engine/onednn/addon';

export function onOnednnEngine(): void {
  let startEngine: EngineName | undefined;
  before(async function () {
    try {
      loadOnednnAddon();
    } catch (err) {
      console.log(`      skipped: ${(err as Error).message}`);
      this.skip();
    }
    startEngine = engineInfo().engine;
    await initEngine({ engine: 'onednn' });
  });
  after(async () => {
    if (startEngine && startEngine !== 'onednn') await initEngine({ engine: startEngine });
  });
}
