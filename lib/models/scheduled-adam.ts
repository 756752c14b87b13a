/**
 * Adam (Kingma & Ba 2015) whose learning rate can be changed between steps,
 * for the cosine schedules of black-box and masker training, and whose update
 * runs as one kernel per variable on wasm and cpu ({@link ADAM_UPDATE}: the
 * same arithmetic as tfjs's `AdamOptimizer`, in one pass instead of a dozen
 * element-wise kernels). Its state (moments, β powers, iterations) is tfjs's,
 * so `getWeights`/`setWeights` and the kit's checkpoints are unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { ADAM_UPDATE, AdamUpdateAttrs, hasAdamUpdate, registerAdamUpdate } from '../engine/adam-update';

/** What `applyGradients` takes (tfjs does not export these two types by name). */
type VariableGradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

/** The parts of tfjs's `AdamOptimizer` state that it keeps private. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
}

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
        state.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        state.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        if (gradient == null) return;
        const m = state.accumulatedFirstMoment[i].variable;
        const v = state.accumulatedSecondMoment[i].variable;
        const [w2, m2, v2] = tf.engine().runKernel(ADAM_UPDATE, { value, gradient, m, v }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
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
