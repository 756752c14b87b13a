/**
 * Adam (Kingma & Ba 2015) whose learning rate can be changed between steps,
 * for the cosine schedule of black-box training. tfjs's `AdamOptimizer` fixes
 * its rate at construction; this subclass only adds a setter.
 */
import * as tf from '@tensorflow/tfjs';

/** Adam with β1 = 0.9, β2 = 0.999, ε = 1e-7 (tfjs's defaults) and a settable learning rate. */
export class ScheduledAdam extends tf.AdamOptimizer {
  constructor(learningRate: number) {
    super(learningRate, 0.9, 0.999, 1e-7);
  }

  /** Sets the learning rate used by the next `applyGradients`. */
  setLearningRate(rate: number): void {
    this.learningRate = rate;
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
