/**
 * 2-D convolutions and both of their gradients on oneDNN, registered for the
 * wasm backend (the `onednn` engine, lib/engine/backend.ts). The tensors stay
 * in the wasm heap; the addon reads and writes them there through
 * Float32Array views, so a kernel costs the convolution and nothing else.
 *
 * | kernel                 | oneDNN primitive                          |
 * |------------------------|-------------------------------------------|
 * | `Conv2D`               | convolution forward                       |
 * | `FusedConv2D`          | convolution forward, bias, eltwise post-op |
 * | `Conv2DBackpropInput`  | convolution backward data                 |
 * | `Conv2DBackpropFilter` | convolution backward weights              |
 *
 * What oneDNN is not given — NCHW data, non-float32 tensors, empty tensors,
 * PReLU activations, a bias that is not one value per output channel, a
 * padding whose output size oneDNN would compute differently — goes to the
 * kernel that was registered before (wasm's own, or the kit's wasm training
 * kernels), never to an error.
 */
import * as tf from '@tensorflow/tfjs';
import { WasmHeapBackend } from '../wasm-heap';
import { ConvDims, loadOnednnAddon, ONEDNN_ACTIVATION, OnednnActivation } from './addon';

type Info = tf.TensorInfo;
type Conv2DInfo = tf.backend_util.Conv2DInfo;

/** The convolution kernels built here. */
export type OnednnConvKernel =
  'Conv2D' | 'FusedConv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter';

/** The addon's shape array for a convolution, or undefined when oneDNN should not take it. */
export function onednnDims(info: Conv2DInfo): ConvDims | undefined {
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels,
    filterHeight,
    filterWidth,
    outChannels,
    outHeight,
    outWidth,
  } = info;
  const {
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
    effectiveFilterHeight,
    effectiveFilterWidth,
    padInfo,
  } = info;
  if (info.dataFormat !== 'channelsLast') return undefined;
  const sizes = [
    batchSize,
    inHeight,
    inWidth,
    inChannels,
    filterHeight,
    filterWidth,
    outChannels,
    outHeight,
    outWidth,
  ];
  if (sizes.some((s) => !(s > 0))) return undefined;
  const { top, left, bottom, right } = padInfo;
  if ([top, left, bottom, right].some((p) => p < 0)) return undefined;
  // oneDNN derives the output size as floor((in + pads − effective kernel) / stride) + 1.
  const consistent = (n: number, k: number, s: number, a: number, b: number, out: number) =>
    Math.floor((n + a + b - k) / s) + 1 === out;
  if (!consistent(inHeight, effectiveFilterHeight, strideHeight, top, bottom, outHeight))
    return undefined;
  if (!consistent(inWidth, effectiveFilterWidth, strideWidth, left, right, outWidth))
    return undefined;
  return Int32Array.from([
    ...sizes,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
    top,
    left,
    bottom,
    right,
  ]);
}

const allFloat = (...xs: (Info | undefined)[]) =>
  xs.every((x) => x === undefined || x.dtype === 'float32');

function convolutionKernel(
  kernelName: OnednnConvKernel,
  backendName: string,
  fallback: tf.KernelFunc,
  run: (args: {
    inputs: tf.NamedTensorInfoMap;
    backend: WasmHeapBackend;
    attrs: tf.NamedAttrMap;
  }) => Info | undefined,
): tf.KernelConfig {
  return {
    kernelName,
    backendName,
    kernelFunc: (args) => {
      const out = run(
        args as unknown as {
          inputs: tf.NamedTensorInfoMap;
          backend: WasmHeapBackend;
          attrs: tf.NamedAttrMap;
        },
      );
      return out ?? fallback(args);
    },
  };
}

/** The backend whose tensor ids the addon's kept filters are keyed by. */
let keyedBackend: WasmHeapBackend | undefined;

/**
 * The key under which the addon keeps a filter in oneDNN's layout: the id
 * the wasm backend gave the filter's data when it placed it in the heap.
 * Ids are never reused and tfjs never changes a tensor's data, so a key
 * names one set of values (the addon also checks the address). A new
 * backend numbers its data from 1 again: the kept filters are dropped then.
 */
function filterKey(backend: WasmHeapBackend, filter: Info): number {
  if (backend !== keyedBackend) {
    loadOnednnAddon().clearFilters();
    keyedBackend = backend;
  }
  const stored = (
    backend as unknown as { dataIdMap: { get(id: tf.DataId): { id?: unknown } | undefined } }
  ).dataIdMap.get(filter.dataId);
  return typeof stored?.id === 'number' ? stored.id : -1;
}

/**
 * Kernel configs of the four convolution kernels; each falls back to `fallbacks[name]`.
 * @throws when the addon cannot load (naming the Debian package to install).
 */
export function onednnConvKernels(
  backendName: string,
  fallbacks: Record<string, tf.KernelFunc>,
): tf.KernelConfig[] {
  const addon = loadOnednnAddon();

  const forward = (fused: boolean) =>
    convolutionKernel(
      fused ? 'FusedConv2D' : 'Conv2D',
      backendName,
      fallbacks[fused ? 'FusedConv2D' : 'Conv2D'],
      ({ inputs, backend, attrs }) => {
        const { x, filter, bias, preluActivationWeights } = inputs as Record<
          string,
          Info | undefined
        >;
        const {
          strides,
          pad,
          dataFormat,
          dilations,
          dimRoundingMode,
          activation = 'linear',
          leakyreluAlpha,
        } = attrs as unknown as tf.FusedConv2DAttrs;
        if (
          !x ||
          !filter ||
          dataFormat === 'NCHW' ||
          !allFloat(x, filter, bias) ||
          preluActivationWeights
        )
          return undefined;
        if (!(activation in ONEDNN_ACTIVATION)) return undefined;
        const info = tf.backend_util.computeConv2DInfo(
          x.shape as [number, number, number, number],
          filter.shape as [number, number, number, number],
          strides,
          dilations,
          pad,
          dimRoundingMode,
        );
        const dims = onednnDims(info);
        if (!dims || (bias && tf.util.sizeFromShape(bias.shape) !== info.outChannels))
          return undefined;
        const out = backend.makeOutput(info.outShape, 'float32'); // allocate first: growing the heap detaches older views
        addon.forward(
          backend.typedArrayFromHeap(x),
          backend.typedArrayFromHeap(filter),
          bias ? backend.typedArrayFromHeap(bias) : null,
          backend.typedArrayFromHeap(out),
          dims,
          ONEDNN_ACTIVATION[activation as OnednnActivation],
          leakyreluAlpha ?? 0.2,
          filterKey(backend, filter),
        );
        return out;
      },
    );

  const backwardData = convolutionKernel(
    'Conv2DBackpropInput',
    backendName,
    fallbacks.Conv2DBackpropInput,
    ({ inputs, backend, attrs }) => {
      const { dy, filter } = inputs as { dy: Info; filter: Info };
      const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
        attrs as unknown as tf.Conv2DBackpropInputAttrs;
      if (dataFormat === 'NCHW' || !allFloat(dy, filter)) return undefined;
      const info = tf.backend_util.computeConv2DInfo(
        inputShape,
        filter.shape as [number, number, number, number],
        strides,
        1,
        pad,
        dimRoundingMode,
      );
      const dims = onednnDims(info);
      if (!dims || info.outHeight !== dy.shape[1] || info.outWidth !== dy.shape[2])
        return undefined;
      const dx = backend.makeOutput([...inputShape], 'float32');
      addon.backwardData(
        backend.typedArrayFromHeap(dy),
        backend.typedArrayFromHeap(filter),
        backend.typedArrayFromHeap(dx),
        dims,
        filterKey(backend, filter),
      );
      return dx;
    },
  );

  const backwardWeights = convolutionKernel(
    'Conv2DBackpropFilter',
    backendName,
    fallbacks.Conv2DBackpropFilter,
    ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: Info; dy: Info };
      const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
        attrs as unknown as tf.Conv2DBackpropFilterAttrs;
      if (dataFormat === 'NCHW' || !allFloat(x, dy)) return undefined;
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filterShape,
        strides,
        1,
        pad,
        dimRoundingMode,
      );
      const dims = onednnDims(info);
      if (!dims || info.outHeight !== dy.shape[1] || info.outWidth !== dy.shape[2])
        return undefined;
      const dw = backend.makeOutput([...filterShape], 'float32');
      addon.backwardWeights(
        backend.typedArrayFromHeap(x),
        backend.typedArrayFromHeap(dy),
        backend.typedArrayFromHeap(dw),
        dims,
      );
      return dw;
    },
  );

  return [forward(false), forward(true), backwardData, backwardWeights];
}
