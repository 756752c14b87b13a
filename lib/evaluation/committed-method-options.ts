/**
 * The method options of the committed evaluation (`results/evaluation/*.json`
 * record them in `config.methodOptions`): iterative masks with 100 steps and
 * the calibrated λ's the masker is trained with (the paper's λ2 = 10⁻³ leaves
 * them covering most of the image), RISE with 400 masks. The side experiments
 * (sanity checks, planted bias) run the methods with them too, so that their
 * numbers describe the same methods as the table.
 */
import { CALIBRATED_LAMBDAS } from '../paper/objective';
import type { MethodOptions } from '../methods/method';

export const COMMITTED_METHOD_OPTIONS: MethodOptions = Object.freeze({
  'iterative-mask': Object.freeze({ iterations: 100, objective: { lambdas: CALIBRATED_LAMBDAS } }),
  rise: Object.freeze({ numMasks: 400 }),
});
