/** The onednn engine's native MaxPoolGrad against the cpu backend. */
import { expectMaxPoolGradLikeCpu } from '../../helpers/compare-with-cpu';
import { onOnednnEngine } from '../../helpers/onednn-engine';

describe('engine/onednn/max-pool-grad-kernel', function () {
  onOnednnEngine();

  it('matches the cpu backend over windows, strides, paddings and ties, and does not leak', async () => {
    await expectMaxPoolGradLikeCpu();
  });
});
