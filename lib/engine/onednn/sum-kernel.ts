/**
 * `Sum` over leading axes (every bias gradient: NHWC summed over `[B, H, W]`)
 * as the addon's native row sum, for the onednn engine. The plain wasm
 * engine's version adds the rows in JavaScript (`wasm-kernels/sum-leading-axes.ts`),
 * several times slower (docs/engines.md, *Why each kernel*). Other
 * reductions go to the kernel registered before.
 */
import * as tf from '@tensorflow/tfjs';
import { sumLeadingAxesConfig } from '../wasm-kernels/sum-leading-axes';
import { loadOnednnAddon } from './addon';

export function onednnSumConfig(backendName: string, fallback: tf.KernelFunc): tf.KernelConfig {
  return sumLeadingAxesConfig(backendName, fallback, loadOnednnAddon().sumRows);
}
