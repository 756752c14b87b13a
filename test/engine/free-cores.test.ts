import { expect } from 'chai';
import { FreeCoreMeter, MachineCpuTime, parseProcStat } from '../../lib/engine/free-cores';

const PROC_STAT = `cpu  100 0 50 800 50 0 0 0 0 0
cpu0 50 0 25 400 25 0 0 0 0 0
cpu1 50 0 25 400 25 0 0 0 0 0
intr 12345
ctxt 678
`;

describe('engine/free-cores', () => {
  it("parses /proc/stat's busy and total ticks and its CPU count", () => {
    expect(parseProcStat(PROC_STAT)).to.deep.equal({ busyTicks: 150, totalTicks: 1000, cpus: 2 });
    expect(() => parseProcStat('intr 1\n')).to.throw('no "cpu" line');
  });

  it("counts the cores other processes used, not this process's own time", () => {
    // Over one second on 2 CPUs: 1.5 cores busy, 0.5 of them this process's.
    let machine: MachineCpuTime = { busyTicks: 0, totalTicks: 0, cpus: 2 };
    let own = 0;
    let now = 0;
    const meter = new FreeCoreMeter(
      () => machine,
      () => own,
      () => now,
    );
    expect(meter.freeCores()).to.equal(undefined);
    machine = { busyTicks: 150, totalTicks: 200, cpus: 2 };
    own = 0.5e6;
    now = 1000;
    expect(meter.freeCores()).to.be.closeTo(1, 1e-9);
    // Then nobody else: both cores free.
    machine = { busyTicks: 250, totalTicks: 400, cpus: 2 };
    own = 1.5e6;
    now = 2000;
    expect(meter.freeCores()).to.be.closeTo(2, 1e-9);
  });

  it('answers undefined where the machine cannot be read or no time passed', () => {
    const unreadable = new FreeCoreMeter(() => {
      throw new Error('no /proc');
    });
    expect(unreadable.freeCores()).to.equal(undefined);
    expect(unreadable.freeCores()).to.equal(undefined);
    const machine = { busyTicks: 0, totalTicks: 0, cpus: 2 };
    const frozen = new FreeCoreMeter(
      () => machine,
      () => 0,
      () => 5,
    );
    frozen.freeCores();
    expect(frozen.freeCores()).to.equal(undefined);
  });
});
