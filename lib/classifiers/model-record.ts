/**
 * A loaded model (lib/classifiers/load-tfjs-model.ts) as a results file records
 * it: where it was loaded from, what the kit read from it or was told
 * (input, output, preprocessing, classes), and the fingerprint of its weights.
 */
import type { LoadedTfjsModel } from './load-tfjs-model';
import { modelFingerprint } from './model-fingerprint';

/** What a results file records about the model it explains. */
export interface ModelRecord {
  location: string;
  format: 'layers' | 'graph';
  name: string;
  input: LoadedTfjsModel['input'];
  output: LoadedTfjsModel['output'];
  outputs: string;
  inputSize: readonly [number, number];
  channels: number;
  preprocessing: object;
  classNames: readonly string[];
  /** {@link modelFingerprint} of its files. */
  fingerprint: string;
}

/** The record of `loaded`; reads its files once to fingerprint them. */
export function modelRecord(loaded: LoadedTfjsModel): ModelRecord {
  const { blackBox } = loaded;
  return {
    location: loaded.location,
    format: loaded.format,
    name: blackBox.name,
    input: loaded.input,
    output: loaded.output,
    outputs: blackBox.outputs,
    inputSize: blackBox.inputSize,
    channels: blackBox.channels,
    preprocessing: blackBox.preprocessing,
    classNames: blackBox.classNames,
    fingerprint: modelFingerprint(loaded.location),
  };
}
