/**
 * What every training checkpoint shares (lib/io/checkpoint-files.ts): the
 * optimizer's state, saved as tensors named `optimizer/<i>` with their names
 * in the state file, and the configuration key that a resumed run must match.
 */
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../core/user-error';
import { CorruptCheckpointError } from './checkpoint-files';

/** The optimizer's fields of a checkpoint's state file. */
export interface OptimizerStateFields {
  optimizerSpecs: tf.io.WeightsManifestEntry[];
  /** The optimizer's own names for its weights, in order. */
  optimizerNames: string[];
}

/** An optimizer's weights ready for a tensors file. */
export interface OptimizerTensors {
  named: { name: string; tensor: tf.Tensor }[];
  names: string[];
  /** Disposes what `getWeights` made for the occasion (the iteration count); the optimizer's variables stay. */
  dispose(): void;
}

/** The optimizer's weights, named `optimizer/<i>`; call `dispose()` once they are written. */
export async function optimizerTensors(optimizer: tf.Optimizer): Promise<OptimizerTensors> {
  const weights = await optimizer.getWeights();
  return {
    named: weights.map((w, i) => ({ name: `optimizer/${i}`, tensor: w.tensor })),
    names: weights.map((w) => w.name),
    dispose: () =>
      tf.dispose(weights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable))),
  };
}

/**
 * Checks a state file read from `stateFile` before anything is restored.
 * @throws {UserError} when the checkpoint was made with another configuration (naming both keys);
 *   CorruptCheckpointError when its optimizer names and specs do not pair up.
 */
export function checkCheckpointState(
  state: { configKey: string } & OptimizerStateFields,
  configKey: string,
  stateFile: string,
  dir: string,
): void {
  if (state.configKey !== configKey)
    throw new UserError(
      `checkpoint in ${dir} was made with another configuration (${state.configKey}; now ${configKey}): use --fresh to start over`,
    );
  if (state.optimizerNames.length !== state.optimizerSpecs.length)
    throw new CorruptCheckpointError(
      `${stateFile} names ${state.optimizerNames.length} optimizer weights but has specs for ${state.optimizerSpecs.length}`,
      dir,
    );
}

/** Gives `optimizer` the saved weights `optimizer/<i>` of `tensors`; the caller disposes `tensors` (the optimizer copies them). */
export async function restoreOptimizer(
  optimizer: tf.Optimizer,
  names: readonly string[],
  tensors: tf.NamedTensorMap,
): Promise<void> {
  await optimizer.setWeights(names.map((name, i) => ({ name, tensor: tensors[`optimizer/${i}`] })));
}
