/**
 * Skipping a test or suite on engines it is not for, with a line saying
 * why and how to run it (mocha's `this.skip()` takes no reason): tests
 * written for particular engines skip when this run's engine
 * (SALIENCY_BACKEND, or the first that loads) is another, and a test that
 * cannot finish in its time limit on one engine skips there.
 */
import { engineInfo, EngineName } from '../../lib/engine/backend';

/** The engines that run on the wasm backend. */
export const WASM_BACKEND_ENGINES: readonly EngineName[] = ['onednn', 'wasm'];

/** Skips `ctx`'s test (or, in a `before` hook, its suite) unless this run's engine is one of `engines`. */
export function skipUnlessEngine(ctx: Mocha.Context, engines: readonly EngineName[]): void {
  const { engine, skipped } = engineInfo();
  if (engines.includes(engine)) return;
  const notLoaded = skipped
    .filter((s) => engines.includes(s.engine))
    .map((s) => `; ${s.engine} did not load: ${s.reason.split('\n')[0]}`);
  console.log(
    `      skipped: needs the ${engines.join(' or ')} engine, this run's is ${engine} (SALIENCY_BACKEND=${engines[0]} runs it)${notLoaded.join('')}`,
  );
  ctx.skip();
}

/** Skips `ctx`'s test (or suite) when this run's engine is `engine`, printing `reason`. */
export function skipOnEngine(ctx: Mocha.Context, engine: EngineName, reason: string): void {
  if (engineInfo().engine !== engine) return;
  console.log(`      skipped on the ${engine} engine: ${reason}`);
  ctx.skip();
}
