/**
 * Comparing a kernel registered for wasm with the cpu backend's reference
 * kernel on the same inputs, and the convolution cases both the kit's wasm
 * kernels and its oneDNN kernels are checked on.
 */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';

export type Case = Record<string, number | string>;

/** max |a − b| / max |b|, the error measure of the issue (≤ 1e-4). */
export function relativeError(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < y.length; i++) {
    diff = Math.max(diff, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  return diff / Math.max(scale, 1e-12);
}

/**
 * Runs `kernel` on wasm, then `reference` (default: the same kernel) on the cpu
 * backend with copies of the same inputs; returns the relative error.
 */
export async function compareWithCpu(
  kernel: string,
  inputs: Record<string, tf.Tensor>,
  attrs: tf.NamedAttrMap,
  reference: (cpuInputs: Record<string, tf.Tensor>) => tf.Tensor = (cpuInputs) =>
    tf.engine().runKernel(kernel, cpuInputs, attrs) as tf.Tensor,
): Promise<number> {
  const onWasm = tf.engine().runKernel(kernel, inputs, attrs) as tf.Tensor;
  const wasmValues = tf.tensor(onWasm.dataSync(), onWasm.shape);
  await tf.setBackend('cpu');
  const cpuInputs: Record<string, tf.Tensor> = {};
  for (const [k, v] of Object.entries(inputs)) cpuInputs[k] = tf.tensor(v.dataSync(), v.shape);
  const onCpu = tf.tidy(() => reference(cpuInputs));
  const err = relativeError(wasmValues, onCpu);
  const shapes = [onWasm.shape, onCpu.shape];
  tf.dispose([onCpu, ...Object.values(cpuInputs)]);
  await tf.setBackend('wasm');
  tf.dispose([onWasm, wasmValues]);
  expect(shapes[0]).to.deep.equal(shapes[1]);
  return err;
}

export const outSize = (n: number, k: number, s: number, d: number, pad: string) =>
  pad === 'same' ? Math.ceil(n / s) : Math.floor((n - (k - 1) * d - 1) / s) + 1;

/**
 * Conv2D-style cases: strides 1–3 and unequal strides (a different code path
 * for the input gradient), 'same'/'valid', odd and even kernels, batch > 1, non-square.
 */
export function convCases(): Case[] {
  const cases: Case[] = [];
  let i = 0;
  for (const [stride, strideW] of [
    [1, 1],
    [2, 2],
    [3, 3],
    [1, 2],
  ]) {
    for (const pad of ['same', 'valid']) {
      for (const [kh, kw] of [
        [1, 1],
        [2, 2],
        [3, 3],
        [4, 3],
        [5, 5],
      ]) {
        i++;
        cases.push({
          batch: 1 + (i % 3),
          h: 9 + (i % 4),
          w: 8 + (i % 5),
          cin: 1 + (i % 4),
          cout: 2 + (i % 3),
          kh,
          kw,
          stride,
          strideW,
          pad,
        });
      }
    }
  }
  return cases;
}

/**
 * `MaxPoolGrad` as registered for wasm against the cpu backend: windows 2×2 and
 * 3×3, strides 1–2 and unequal, 'same'/'valid', with and without ties; then
 * repeated gradients through a max pool must not leak tensors.
 */
export async function expectMaxPoolGradLikeCpu(): Promise<void> {
  const cases: {
    shape: [number, number, number, number];
    size: [number, number];
    strides: [number, number];
    pad: 'same' | 'valid';
  }[] = [
    { shape: [2, 8, 8, 3], size: [2, 2], strides: [2, 2], pad: 'valid' },
    { shape: [2, 9, 7, 2], size: [2, 2], strides: [2, 2], pad: 'same' },
    { shape: [1, 8, 8, 4], size: [3, 3], strides: [1, 1], pad: 'same' },
    { shape: [2, 9, 9, 2], size: [3, 3], strides: [2, 2], pad: 'same' },
    { shape: [1, 10, 7, 3], size: [3, 3], strides: [2, 2], pad: 'valid' },
    { shape: [2, 6, 9, 2], size: [2, 3], strides: [1, 2], pad: 'same' },
  ];
  for (const c of cases) {
    for (const ties of [false, true]) {
      // With ties: small integers after a ReLU, so most windows hold equal maxima (often all zeros).
      const x = tf.tidy(() => {
        const r = tf.randomNormal(c.shape, 0, 1, 'float32', 7);
        return ties ? tf.relu(tf.round(tf.mul(r, 1.5))) : r;
      }) as tf.Tensor4D;
      const y = tf.maxPool(x, c.size, c.strides, c.pad);
      const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 8);
      const err = await compareWithCpu(
        'MaxPoolGrad',
        { dy, input: x, output: y },
        { filterSize: c.size, strides: c.strides, pad: c.pad },
      );
      expect(err, JSON.stringify({ ...c, ties })).to.be.below(1e-4);
      tf.dispose([x, y, dy]);
    }
  }
  const x = tf.randomNormal([2, 8, 8, 3]);
  const grad = () =>
    tf.grad((input: tf.Tensor) =>
      tf
        .maxPool(input as tf.Tensor4D, 3, 2, 'same')
        .square()
        .sum(),
    )(x);
  tf.dispose(grad());
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) tf.dispose(grad());
  expect(tf.memory().numTensors).to.equal(before);
  x.dispose();
}

/**
 * Runs `step` once to warm up, then five more times, and expects neither the
 * tensor count nor the backend's data count (wasm memory) to grow.
 */
export function expectStepsDoNotLeak(step: () => void): void {
  step();
  const tensors = tf.memory().numTensors;
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const dataIds = backend.numDataIds();
  for (let i = 0; i < 5; i++) step();
  expect(tf.memory().numTensors).to.equal(tensors);
  expect(backend.numDataIds()).to.equal(dataIds);
}
