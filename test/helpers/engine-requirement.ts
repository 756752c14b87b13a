/**
 * Skipping a test or suite written for particular engines when this run's
 * engine (SALIENCY_BACKEND, or the first that loads) is another, with a line
 * saying which engine it needs and how to run it there: mocha's `this.skip()`
 * takes no reason.
 */
import { engineInfo, EngineName } from '../../lib/engine/backend';

/** The engines that run on the wasm backend. */
export const WASM_BACKEND_ENGINES: readonly EngineName[] = ['onednn', 'wasm'];

/** Skips `ctx`'s test (or, in a `before` hook, its suite) unless this run's engine is one of `engines`. */
export function skipUnlessEngine(ctx: Mocha.Context, engines: readonly EngineName[]): void {
  const { engine, skipped } = engineInfo();
  if (engines.includes(engine)) return;
  const notLoaded = skipped.filter((s) => engines.includes(s.engine)).map((s) => `; ${s.engine} did not load: ${s.reason.split('\n')[0]}`);
  console.log(`      skipped: needs the ${engines.join(' or ')} engine, this run's is ${engine} (SALIENCY_BACKEND=${engines[0]} runs it)${notLoaded.join('')}`);
  ctx.skip();
}
