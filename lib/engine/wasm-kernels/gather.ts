/**
 * `GatherV2` for the wasm backend. wasm's own kernel is far below memory
 * speed: picking half of a batch of images took longer than a training
 * step's convolutions (docs/engines.md, *Why each kernel*). This kernel copies
 * every gathered slice as one block (`TypedArray.set`), which costs about one
 * memory copy of the output. `batchDims > 0` (not used by the kit) takes the
 * cpu backend's kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { cpuFallbackConfig } from './cpu-fallback';

type Values = Float32Array | Int32Array | Uint8Array;

export function gatherV2Config(backendName: string): tf.KernelConfig {
  const fallback = cpuFallbackConfig('GatherV2', backendName).kernelFunc;
  return {
    kernelName: 'GatherV2',
    backendName,
    kernelFunc: (args) => {
      const { inputs, backend: owner, attrs } = args;
      const { x, indices } = inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
      const { axis: rawAxis, batchDims } = attrs as unknown as { axis: number; batchDims: number };
      if ((batchDims ?? 0) !== 0 || x.dtype === 'string') return fallback(args);
      const backend = owner as tf.KernelBackend;
      const axis = rawAxis < 0 ? rawAxis + x.shape.length : rawAxis;
      const axisSize = x.shape[axis];
      const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
      const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
      const picks = backend.readSync(indices.dataId) as Int32Array | Float32Array;
      for (const i of picks) {
        if (!(Number.isInteger(i) && i >= 0 && i < axisSize))
          throw new Error(
            `GatherV2: index ${i} is not in [0, ${axisSize - 1}] (axis ${axis} of x [${x.shape.join(', ')}])`,
          );
      }
      const source = backend.readSync(x.dataId) as Values;
      const out = new (source.constructor as { new (n: number): Values })(
        outer * picks.length * inner,
      );
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < picks.length; j++) {
          const from = (o * axisSize + picks[j]) * inner;
          out.set(source.subarray(from, from + inner), (o * picks.length + j) * inner);
        }
      }
      const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
      return { dataId: backend.write(out, shape, x.dtype), shape, dtype: x.dtype };
    },
  };
}
