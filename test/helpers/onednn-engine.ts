/**
 * Mocha hook for a suite of the onednn engine's kernels: skipped, with the
 * reason, unless this run's engine is onednn (SALIENCY_BACKEND=onednn, or the
 * default where the native addon is built).
 */
import { skipUnlessEngine } from './engine-requirement';

export function onOnednnEngine(): void {
  before(function () {
    skipUnlessEngine(this, ['onednn']);
  });
}
