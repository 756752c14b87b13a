import { expect } from 'chai';
import { parseTaskResources } from '../../lib/cluster/task-resources';

const OK = { cpusPerTask: '2', mem: '4G', time: '2:00:00' };

describe('task resources (lib/cluster/task-resources.ts)', () => {
  it('read the flags in the forms sbatch takes', () => {
    expect(parseTaskResources({ ...OK, partition: 'cpu-long', gpus: '1' })).to.deep.equal({
      cpusPerTask: 2,
      mem: '4G',
      time: '2:00:00',
      partition: 'cpu-long',
      gpus: 1,
    });
    for (const time of ['30', '30:00', '1-12', '1-12:00', '1-12:00:00'])
      expect(parseTaskResources({ ...OK, time }).time).to.equal(time);
    for (const mem of ['4000', '4000M', '16G', '1T'])
      expect(parseTaskResources({ ...OK, mem }).mem).to.equal(mem);
  });

  it('name the flag and the form expected for a bad value', () => {
    const bad: [Partial<typeof OK> & { partition?: string; gpus?: string }, RegExp][] = [
      [{ cpusPerTask: '0' }, /--cpus-per-task must be an integer >= 1, got '0'/],
      [{ mem: '4GB' }, /--mem must be a whole number with an optional unit K, M, G or T/],
      [{ mem: '0' }, /--mem must be/],
      [{ time: '2h' }, /--time must be a Slurm time limit/],
      [{ time: '1:2:3:4' }, /--time must be/],
      [{ partition: 'a b' }, /--partition must be a partition name/],
      [{ partition: '$(x)' }, /--partition must be a partition name/],
      [{ gpus: '-1' }, /--gpus must be an integer >= 1/],
    ];
    for (const [flags, message] of bad)
      expect(() => parseTaskResources({ ...OK, ...flags })).to.throw(message);
  });
});
