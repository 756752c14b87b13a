/** Builds any of the kit's black-box architectures by name. */
import * as tf from '@tensorflow/tfjs';
import { ArchitectureConfig, ArchitectureName, ARCHITECTURE_NAMES } from './architecture';
import { buildInceptionNet } from './inception-net';
import { buildPlainNet } from './plain-net';
import { buildResidualNet } from './residual-net';

const BUILDERS: Record<ArchitectureName, (config: Partial<ArchitectureConfig>) => tf.LayersModel> =
  {
    plain: buildPlainNet,
    inception: buildInceptionNet,
    residual: buildResidualNet,
  };

/**
 * A fresh, seeded net of the named architecture.
 * @returns a LayersModel `[B, H, W, C]` in [0, 1] → `[B, classes]` probabilities; the caller disposes it.
 * @throws naming the valid architectures when `name` is not one.
 */
export function buildArchitecture(
  name: ArchitectureName,
  config: Partial<ArchitectureConfig> = {},
): tf.LayersModel {
  const build = BUILDERS[name];
  if (!build)
    throw new Error(
      `unknown architecture '${String(name)}'; use one of ${ARCHITECTURE_NAMES.join(', ')}`,
    );
  return build(config);
}
