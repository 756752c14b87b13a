import { expect } from 'chai';
import { FreeCoreMeter } from '../../../lib/engine/free-cores';
import { REMEASURE_MS, ThreadControl } from '../../../lib/engine/onednn/thread-control';
import type { ThreadBudget } from '../../../lib/engine/thread-budget';

/** A meter that reports the given free cores on each call. */
function fakeMeter(free: () => number | undefined): FreeCoreMeter {
  return { freeCores: free } as unknown as FreeCoreMeter;
}

const CEILING: ThreadBudget = { max: 4, source: 'cores', followsFreeCores: true };

describe('engine/onednn/thread-control', () => {
  it('follows the free cores between 1 and the ceiling, re-measured at most every REMEASURE_MS', () => {
    const applied: number[] = [];
    let free: number | undefined = 4;
    let now = 0;
    const control = new ThreadControl(
      CEILING,
      (n) => applied.push(n),
      fakeMeter(() => free),
      () => now,
    );
    expect(applied).to.deep.equal([4]);
    free = 1.2;
    now = REMEASURE_MS - 1;
    control.beforeCall();
    expect(control.current).to.equal(4);
    now = REMEASURE_MS;
    control.beforeCall();
    expect(control.current).to.equal(1);
    free = 0.1;
    now += REMEASURE_MS;
    control.beforeCall();
    expect(control.current).to.equal(1);
    free = 9;
    now += REMEASURE_MS;
    control.beforeCall();
    expect(control.current).to.equal(4);
    free = 2.6;
    now += REMEASURE_MS;
    control.beforeCall();
    expect(applied).to.deep.equal([4, 1, 4, 3]);
  });

  it('runs a kernel whose bits depend on the thread count on the ceiling, whatever the load', () => {
    const applied: number[] = [];
    let now = 0;
    const control = new ThreadControl(
      CEILING,
      (n) => applied.push(n),
      fakeMeter(() => 1),
      () => now,
    );
    now = REMEASURE_MS;
    control.beforeCall();
    control.beforeCall(true);
    control.beforeCall();
    expect(applied).to.deep.equal([4, 1, 4, 1]);
  });

  it('keeps a fixed count, and takes a new budget from the next call', () => {
    const applied: number[] = [];
    let now = 0;
    const control = new ThreadControl(
      { max: 2, source: 'SALIENCY_THREADS', followsFreeCores: false },
      (n) => applied.push(n),
      fakeMeter(() => 1),
      () => now,
    );
    now = 10 * REMEASURE_MS;
    control.beforeCall();
    expect(control.current).to.equal(2);
    control.setBudget({ max: 3, source: 'code', followsFreeCores: false });
    control.beforeCall();
    expect(applied).to.deep.equal([2, 3]);
    expect(control.budget.source).to.equal('code');
  });
});
