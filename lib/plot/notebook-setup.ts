/**
 * What every notebook starts with: whether it runs in its fast
 * configuration (`SALIENCY_NOTEBOOK_FAST=1`, what CI runs), which of the
 * kit's black boxes it shows (`SALIENCY_NOTEBOOK_BLACK_BOX`), and the engine,
 * started once, with one line saying all three.
 */
import { EngineInfo, initEngine } from '../engine/backend';

/** A notebook's configuration. */
export interface NotebookSetup {
  /** The fast configuration (CI): small sizes, same code. */
  fast: boolean;
  /** The black box shown: `SALIENCY_NOTEBOOK_BLACK_BOX`, else the notebook's default. */
  blackBox: string;
  engine: EngineInfo;
}

/**
 * Reads the configuration, starts the engine and prints one line about both.
 * @param defaultBlackBox the black box when `SALIENCY_NOTEBOOK_BLACK_BOX` is not set; default `plain`.
 */
export async function notebookSetup(defaultBlackBox = 'plain'): Promise<NotebookSetup> {
  const fast = process.env.SALIENCY_NOTEBOOK_FAST === '1';
  const blackBox = process.env.SALIENCY_NOTEBOOK_BLACK_BOX ?? defaultBlackBox;
  const engine = await initEngine();
  console.log(
    `engine ${engine.engine}; ${fast ? 'fast' : 'full'} configuration; black box ${blackBox}`,
  );
  return { fast, blackBox, engine };
}
