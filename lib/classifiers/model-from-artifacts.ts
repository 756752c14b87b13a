/**
 * A TF.js model — LayersModel or GraphModel — from its artifacts already in
 * memory (model.json's topology and the weights), whichever way they were
 * read: files on disk (lib/classifiers/load-tfjs-model.ts), HTTP, or files a
 * user picked in a browser page (web/src/user-models.ts). Reads no file.
 */
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../core/user-error';

/** `layers`: tf.LayersModel; `graph`: tf.GraphModel; `auto`: from model.json's `format` field. */
export type ModelFormat = 'layers' | 'graph' | 'auto';

/**
 * Decides the format from the artifacts: model.json's `format` field, else its topology.
 * @param where the model.json's name in messages.
 * @throws a {@link UserError} naming `where` when the artifacts hold no model topology or the format cannot be told.
 */
export function detectFormat(artifacts: tf.io.ModelArtifacts, where: string): 'layers' | 'graph' {
  if (artifacts.format === 'layers-model') return 'layers';
  if (artifacts.format === 'graph-model') return 'graph';
  const topology = artifacts.modelTopology as
    { node?: unknown; class_name?: unknown; model_config?: unknown } | undefined;
  if (topology && typeof topology === 'object') {
    if ('node' in topology) return 'graph';
    if ('class_name' in topology || 'model_config' in topology) return 'layers';
  }
  throw new UserError(
    `${where}: cannot tell whether this is a layers or a graph model (format field '${String(artifacts.format)}'); pass format: 'layers' or 'graph'`,
  );
}

/**
 * Builds the model from its artifacts.
 * @param where the model.json's name in messages.
 * @param format default `'auto'` ({@link detectFormat}).
 * @returns the model and the format built; the caller disposes the model.
 * @throws a {@link UserError} naming `where` when the format cannot be told or is not one of {@link ModelFormat}.
 */
export async function modelFromArtifacts(
  artifacts: tf.io.ModelArtifacts,
  where: string,
  format: ModelFormat = 'auto',
): Promise<{ model: tf.LayersModel | tf.GraphModel; format: 'layers' | 'graph' }> {
  const read = format === 'auto' ? detectFormat(artifacts, where) : format;
  if (read !== 'layers' && read !== 'graph')
    throw new UserError(`format must be 'layers', 'graph' or 'auto', got '${String(read)}'`);
  const memory = tf.io.fromMemory(artifacts);
  const model =
    read === 'layers' ? await tf.loadLayersModel(memory) : await tf.loadGraphModel(memory);
  return { model, format: read };
}
