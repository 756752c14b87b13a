/**
 * Training kernels for the wasm backend (docs/design.md §2). wasm has fast forward
 * convolutions (XNNPACK) but lacks the filter gradients and the depthwise
 * gradients, and its own `Conv2DBackpropInput` is much slower than its
 * `Conv2D`. Each kernel here is expressed through wasm's forward kernels:
 *
 * | kernel                                 | why                  | built from                   |
 * |----------------------------------------|----------------------|------------------------------|
 * | `Conv2DBackpropFilter`                 | missing              | patches + `BatchMatMul`      |
 * | `Conv2DBackpropInput`                  | slow (replaced)      | `Conv2D` per phase, flipped taps |
 * | `DepthwiseConv2dNativeBackpropInput`   | missing              | zero insertion + depthwise   |
 * | `DepthwiseConv2dNativeBackpropFilter`  | missing              | per-tap slice, multiply, sum |
 * | `MaxPoolGrad`                          | slow (replaced)      | one pass in JavaScript       |
 * | `GatherV2`                             | slow (replaced)      | block copies in JavaScript   |
 * | `BatchMatMul`, `_FusedMatMul`          | slow when transposed | `Transpose` + own kernel     |
 * | `Identity`, `Cast` to the same dtype   | copies (replaced)    | shared data, one more ref    |
 * | `Slice`, `SplitV`, `Concat`            | copy the input first | box copies on the heap       |
 * | `SaliencyKitReluGrad`                  | three kernels in tfjs | one pass in JavaScript      |
 * | `SaliencyKitValueSummary`              | six kernels in tfjs  | one pass in JavaScript       |
 * | `Sum` over leading axes                | transposes first     | row sums in JavaScript       |
 * | `UnsortedSegmentSum`, `Einsum`         | missing              | cpu-backend fallback         |
 * | `Conv2D`, `DepthwiseConv2dNative` and fused | wrong for some `'same'` pads | wasm's own, pads explicit |
 *
 * Together they give gradients for `Conv2D`, `FusedConv2D`,
 * `DepthwiseConv2dNative`, `FusedDepthwiseConv2D` and `Conv2DTranspose`
 * (whose forward pass is `Conv2DBackpropInput`), since tfjs-core expresses
 * all of those gradients through these kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input';
import { depthwiseBackpropInputConfig } from './depthwise-backprop-input';
import { depthwiseBackpropFilterConfig } from './depthwise-backprop-filter';
import { cpuFallbackConfig } from './cpu-fallback';
import { explicitSamePaddingConfig, SAME_PADDED_KERNEL_NAMES } from './explicit-same-padding';
import { gatherV2Config } from './gather';
import { identityConfig, sameDtypeCastConfig } from './identity';
import { boxCopyKernelConfigs, copyBoxInJavaScript } from './box-copy-kernels';
import { reluGradConfig, reluGradInJavaScript } from '../relu-gradient';
import { valueSummaryConfig, valueSummaryInJavaScript } from '../value-summary';
import { maxPoolGradConfig } from './max-pool-grad';
import { MAT_MUL_KERNELS, matMulTransposesConfig } from './mat-mul-transposes';
import { sumLeadingAxesConfig } from './sum-leading-axes';

/** wasm's own kernels that some replacements fall back to, captured before the first replacement. */
const ownKernels = new Map<string, tf.KernelFunc>();
function ownKernel(name: string, backendName: string): tf.KernelFunc {
  const key = `${backendName}/${name}`;
  if (!ownKernels.has(key)) {
    const config = tf.getKernel(name, backendName);
    if (!config) throw new Error(`kernel ${name} is not registered for backend ${backendName}`);
    ownKernels.set(key, config.kernelFunc);
  }
  return ownKernels.get(key)!;
}

/** Kernels the kit replaces or adds on wasm, with their configs. */
function wasmTrainingKernels(backendName: string): tf.KernelConfig[] {
  return [
    sumLeadingAxesConfig(backendName, ownKernel('Sum', backendName)),
    conv2dBackpropFilterConfig(backendName),
    conv2dBackpropInputConfig(backendName),
    depthwiseBackpropInputConfig(backendName),
    depthwiseBackpropFilterConfig(backendName),
    maxPoolGradConfig(backendName),
    gatherV2Config(backendName),
    identityConfig(backendName),
    sameDtypeCastConfig(backendName, ownKernel('Cast', backendName)),
    ...boxCopyKernelConfigs(
      backendName,
      {
        Slice: ownKernel('Slice', backendName),
        SplitV: ownKernel('SplitV', backendName),
        Concat: ownKernel('Concat', backendName),
      },
      copyBoxInJavaScript,
    ),
    reluGradConfig(backendName, reluGradInJavaScript),
    valueSummaryConfig(backendName, valueSummaryInJavaScript),
    ...MAT_MUL_KERNELS.map((name) => matMulTransposesConfig(name, backendName)),
    cpuFallbackConfig('UnsortedSegmentSum', backendName),
    cpuFallbackConfig('Einsum', backendName),
    ...SAME_PADDED_KERNEL_NAMES.map((name) =>
      explicitSamePaddingConfig(name, backendName, ownKernel(name, backendName)),
    ),
  ];
}

/**
 * Registers the kit's training kernels for the wasm backend (replacing any
 * kernel of the same name). Idempotent. Returns the kernel names.
 */
export function registerWasmTrainingKernels(backendName = 'wasm'): string[] {
  const configs = wasmTrainingKernels(backendName);
  for (const config of configs) {
    if (tf.getKernel(config.kernelName, backendName))
      tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel(config);
  }
  return configs.map((c) => c.kernelName);
}
