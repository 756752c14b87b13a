/**
 * Direct access to tensors in the wasm backend's heap, for kernels written in
 * JavaScript or native code that read and write the data in place. Both
 * methods are public on tfjs-backend-wasm's `BackendWasm`.
 *
 * Allocate every output (`makeOutput`) before taking any view: an allocation
 * may grow the heap, which detaches the views taken before it.
 */
import * as tf from '@tensorflow/tfjs';

export interface WasmHeapBackend extends tf.KernelBackend {
  /** A new tensor of `shape` in the heap; the kernel returns it (tfjs owns it then). */
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** A view of a tensor's data in the heap (no copy). */
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}
