/** Registers the training kernels wasm lacks; returns their names. */
export function registerWasmTrainingKernels(): string[] {
  return [];
}
