/**
 * The onednn engine's kernels for the wasm backend: convolutions and their
 * gradients on oneDNN ({@link onednnConvKernels}), the native row sum
 * ({@link onednnSumConfig}), max-pool gradient ({@link onednnMaxPoolGradConfig}),
 * Adam step ({@link onednnAdamUpdateConfig}), ReLU gradient ({@link reluGradConfig}),
 * the range checks' value summary ({@link valueSummaryConfig}), the blur of
 * the alternative images ({@link mirrorBlurConfig})
 * and box copies (`Slice`, `SplitV`, `Concat`: {@link boxCopyKernelConfigs}), registered over the wasm
 * backend's kernels (its own, the kit's wasm training kernels and Adam
 * kernel), which they fall back to or replace.
 */
import * as tf from '@tensorflow/tfjs';
import { ADAM_UPDATE } from '../adam-update';
import { onednnAdamUpdateConfig } from './adam-kernel';
import { onednnConvKernels } from './conv-kernels';
import { onednnMaxPoolGradConfig } from './max-pool-grad-kernel';
import { onednnSumConfig } from './sum-kernel';
import { BOX_COPY_KERNELS, boxCopyKernelConfigs } from '../wasm-kernels/box-copy-kernels';
import { RELU_GRAD, reluGradConfig } from '../relu-gradient';
import { VALUE_SUMMARY, valueSummaryConfig } from '../value-summary';
import { MIRROR_BLUR, mirrorBlurConfig } from '../mirror-blur';
import { loadOnednnAddon } from './addon';

/** The kernels the onednn engine replaces, in registration order. */
export const ONEDNN_KERNELS = [
  'Conv2D',
  'FusedConv2D',
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
  'Sum',
  'MaxPoolGrad',
  ADAM_UPDATE,
  ...BOX_COPY_KERNELS,
  RELU_GRAD,
  VALUE_SUMMARY,
] as const;

/** The kernels the onednn engine adds (no other engine has them). */
export const ONEDNN_ADDED_KERNELS = [MIRROR_BLUR] as const;

/** The configs these kernels replaced, per backend, to restore them. */
const replaced = new Map<string, tf.KernelConfig[]>();

/**
 * Registers the onednn kernels for `backendName`, over whatever is registered
 * now (their fall-backs). Idempotent. Returns the kernel names.
 * @throws when the addon cannot load (naming the Debian package); nothing is replaced then.
 */
export function registerOnednnKernels(backendName = 'wasm'): string[] {
  const names = [...ONEDNN_KERNELS, ...ONEDNN_ADDED_KERNELS];
  if (replaced.has(backendName)) return names;
  const originals = ONEDNN_KERNELS.map((name) => {
    const config = tf.getKernel(name, backendName);
    if (!config)
      throw new Error(
        `kernel ${name} is not registered for backend ${backendName}; register the wasm training kernels and the Adam kernel first`,
      );
    return config;
  });
  const fallbacks = Object.fromEntries(
    originals.map((c) => [c.kernelName, c.kernelFunc]),
  ) as Record<(typeof ONEDNN_KERNELS)[number], tf.KernelFunc>;
  const addon = loadOnednnAddon();
  const configs = [
    ...onednnConvKernels(backendName, fallbacks),
    onednnSumConfig(backendName, fallbacks.Sum),
    onednnMaxPoolGradConfig(backendName, fallbacks.MaxPoolGrad),
    onednnAdamUpdateConfig(backendName),
    ...boxCopyKernelConfigs(backendName, fallbacks, addon.copyBox),
    reluGradConfig(backendName, addon.reluGrad),
    valueSummaryConfig(backendName, addon.valueSummary),
    mirrorBlurConfig(backendName, addon.mirrorBlur),
  ];
  for (const config of configs) {
    if (tf.getKernel(config.kernelName, backendName))
      tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel(config);
  }
  replaced.set(backendName, originals);
  return names;
}

/** Puts back the kernels {@link registerOnednnKernels} replaced and removes those it added (no-op when it did not run). */
export function unregisterOnednnKernels(backendName = 'wasm'): void {
  const originals = replaced.get(backendName);
  if (!originals) return;
  for (const config of originals) {
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel(config);
  }
  for (const name of ONEDNN_ADDED_KERNELS) tf.unregisterKernel(name, backendName);
  replaced.delete(backendName);
}
