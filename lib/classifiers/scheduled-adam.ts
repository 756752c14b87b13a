/**
 * Adam (Kingma & Ba 2015) whose learning rate can be changed between steps,
 * for the cosine schedules of black-box and masker training, and whose update
 * runs as one kernel per variable on wasm and cpu ({@link ADAM_UPDATE}: the
 * same arithmetic as tfjs's `AdamOptimizer`, in one pass instead of a dozen
 * element-wise kernels). Its state (moments, β powers, iterations) is tfjs's.
 *
 * Saved state: `getWeights` returns tfjs's weights (iterations, then first and
 * second moments) followed by the running β powers β1^(t+1), β2^(t+1) as
 * float32 scalars named {@link BETA_POWER_NAMES}, and `setWeights` restores
 * them as they were. tfjs's own `setWeights` recomputes them as
 * `pow(β, iterations + 1)`, which differs in the last bits from the running
 * product the steps multiply up (β2's already after 2 steps), so a resumed
 * run would drift from an uninterrupted one from its first step. Weights
 * without the β powers (saved by tfjs's Adam or by this class before it saved
 * them) still load, with the recomputed powers.
 */
import * as tf from '@tensorflow/tfjs';
import {
  ADAM_UPDATE,
  AdamUpdateAttrs,
  hasAdamUpdate,
  registerAdamUpdate,
} from '../engine/adam-update';

/** What `applyGradients` takes (tfjs does not export these two types by name). */
type VariableGradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

/** One entry of an optimizer's weights (tfjs does not export the type by name). */
type NamedTensor = Awaited<ReturnType<tf.Optimizer['getWeights']>>[number];

/** The parts of tfjs's `AdamOptimizer` state that it keeps private. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
}

/** Names of the β powers among the weights of {@link ScheduledAdam.getWeights}. */
export const BETA_POWER_NAMES = Object.freeze({
  beta1: 'ScheduledAdam/accBeta1',
  beta2: 'ScheduledAdam/accBeta2',
});

/** Adam with β1 = 0.9, β2 = 0.999, ε = 1e-7 (tfjs's defaults) and a settable learning rate. */
export class ScheduledAdam extends tf.AdamOptimizer {
  constructor(learningRate: number) {
    super(learningRate, 0.9, 0.999, 1e-7);
    registerAdamUpdate();
  }

  /** Sets the learning rate used by the next `applyGradients`. */
  setLearningRate(rate: number): void {
    this.learningRate = rate;
  }

  /**
   * tfjs's weights followed by the two β powers (see the module comment).
   * @returns the optimizer's own variables (moments, β powers: not to be
   *   disposed) and, first, a new iterations scalar (as tfjs makes it: the
   *   caller disposes it).
   */
  override async getWeights(): Promise<NamedTensor[]> {
    const state = this as unknown as AdamState;
    return [
      ...(await super.getWeights()),
      { name: BETA_POWER_NAMES.beta1, tensor: state.accBeta1 },
      { name: BETA_POWER_NAMES.beta2, tensor: state.accBeta2 },
    ];
  }

  /**
   * Restores weights from {@link getWeights}: tfjs's part through tfjs, then
   * the β powers exactly as saved when they are there.
   * @param weightValues copied into the optimizer's variables; the caller keeps ownership.
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const isBetaPower = (w: NamedTensor) =>
      w.name === BETA_POWER_NAMES.beta1 || w.name === BETA_POWER_NAMES.beta2;
    await super.setWeights(weightValues.filter((w) => !isBetaPower(w)));
    const state = this as unknown as AdamState;
    for (const w of weightValues.filter(isBetaPower))
      (w.name === BETA_POWER_NAMES.beta1 ? state.accBeta1 : state.accBeta2).assign(
        w.tensor as tf.Scalar,
      );
  }

  /** One Adam step; the fused kernel where the backend has it, tfjs's ops elsewhere. */
  override applyGradients(variableGradients: VariableGradients): void {
    if (!hasAdamUpdate()) return super.applyGradients(variableGradients);
    const state = this as unknown as AdamState;
    const named = Array.isArray(variableGradients)
      ? variableGradients.map((v) => [v.name, v.tensor] as const)
      : Object.entries(variableGradients as tf.NamedTensorMap);
    const attrs: AdamUpdateAttrs = {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      correction1: 1 - state.accBeta1.dataSync()[0],
      correction2: 1 - state.accBeta2.dataSync()[0],
    };
    tf.tidy(() => {
      named.forEach(([name, gradient], i) => {
        const value = tf.engine().registeredVariables[name];
        // Moments are created on first use, named as tfjs names them.
        state.accumulatedFirstMoment[i] ??= {
          originalName: `${name}/m`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        state.accumulatedSecondMoment[i] ??= {
          originalName: `${name}/v`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        if (gradient == null) return;
        const m = state.accumulatedFirstMoment[i].variable;
        const v = state.accumulatedSecondMoment[i].variable;
        const [w2, m2, v2] = tf
          .engine()
          .runKernel(
            ADAM_UPDATE,
            { value, gradient, m, v },
            attrs as unknown as tf.NamedAttrMap,
          ) as tf.Tensor[];
        m.assign(m2);
        v.assign(v2);
        value.assign(w2);
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, this.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }
}

/**
 * Cosine decay from `peak` to 0 over `totalSteps` (Loshchilov & Hutter 2017, one cycle).
 * @param step 0-based step; values past `totalSteps` give 0.
 */
export function cosineLearningRate(peak: number, step: number, totalSteps: number): number {
  const t = Math.min(1, step / Math.max(1, totalSteps));
  return 0.5 * peak * (1 + Math.cos(Math.PI * t));
}
