import { expect } from 'chai';
import { coresPerJob, threadBudget } from '../../lib/engine/thread-budget';

describe('engine/thread-budget', () => {
  it('takes every core by default, following the free cores', () => {
    expect(threadBudget({}, 8)).to.deep.equal({ max: 8, source: 'cores', followsFreeCores: true });
  });

  it('lets an explicit count win over the ceilings, in order of precedence', () => {
    const all = {
      SALIENCY_THREADS: '3',
      OMP_NUM_THREADS: '5',
      SALIENCY_CORES: '2',
      SLURM_CPUS_PER_TASK: '6',
    };
    expect(threadBudget(all, 8)).to.deep.equal({
      max: 3,
      source: 'SALIENCY_THREADS',
      followsFreeCores: false,
    });
    expect(threadBudget({ ...all, SALIENCY_THREADS: '' }, 8)).to.include({
      max: 5,
      source: 'OMP_NUM_THREADS',
      followsFreeCores: false,
    });
    expect(threadBudget({ SALIENCY_CORES: '2', SLURM_CPUS_PER_TASK: '6' }, 8)).to.deep.equal({
      max: 2,
      source: 'SALIENCY_CORES',
      followsFreeCores: true,
    });
    expect(threadBudget({ SLURM_CPUS_PER_TASK: '6' }, 8)).to.include({
      max: 6,
      source: 'SLURM_CPUS_PER_TASK',
    });
    expect(threadBudget({ OMP_NUM_THREADS: '4,2' }, 8).max).to.equal(4);
  });

  it('names the variable whose value is not a thread count', () => {
    for (const bad of ['0', '-1', '1.5', 'two', '2000'])
      expect(() => threadBudget({ SALIENCY_THREADS: bad }, 2)).to.throw(
        `SALIENCY_THREADS="${bad}" is not a thread count`,
      );
    expect(() => threadBudget({ SLURM_CPUS_PER_TASK: 'x' }, 2)).to.throw('SLURM_CPUS_PER_TASK');
  });

  it('splits a budget evenly over jobs, at least one core each', () => {
    const budget = threadBudget({}, 8);
    expect([1, 2, 3, 8, 16].map((jobs) => coresPerJob(budget, jobs))).to.deep.equal([
      8, 4, 2, 1, 1,
    ]);
  });
});
