/**
 * How many of the machine's cores other processes leave free, measured from
 * Linux's `/proc/stat` (all CPUs' busy time) minus this process's own CPU
 * time, over the interval since the last reading.
 */
import * as fs from 'fs';

/** Busy and total CPU time of the whole machine, in clock ticks, and its CPU count. */
export interface MachineCpuTime {
  busyTicks: number;
  totalTicks: number;
  cpus: number;
}

/** Clock ticks per second of `/proc/stat` (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** Parses `/proc/stat`: its `cpu` line (user nice system idle iowait irq softirq steal …) and the `cpuN` lines. */
export function parseProcStat(text: string): MachineCpuTime {
  const lines = text.split('\n');
  const all = lines.find((l) => l.startsWith('cpu '));
  if (!all) throw new Error('/proc/stat has no "cpu" line');
  const ticks = all.trim().split(/\s+/).slice(1, 9).map(Number);
  if (ticks.length < 4 || ticks.some((t) => !Number.isFinite(t)))
    throw new Error(`/proc/stat's "cpu" line is not a list of tick counts: ${all}`);
  const idle = ticks[3] + (ticks[4] ?? 0);
  const totalTicks = ticks.reduce((s, t) => s + t, 0);
  const cpus = lines.filter((l) => /^cpu\d+\s/.test(l)).length;
  return { busyTicks: totalTicks - idle, totalTicks, cpus: Math.max(1, cpus) };
}

/** One reading: the machine's CPU time and this process's own CPU time (µs). */
interface Reading {
  machine: MachineCpuTime;
  ownMicros: number;
  atMs: number;
}

/**
 * Measures the cores left free by other processes between successive calls
 * of {@link FreeCoreMeter.freeCores}.
 */
export class FreeCoreMeter {
  private last: Reading | undefined;

  /**
   * @param readMachine the machine's CPU time (default: `/proc/stat`); throws where there is none.
   * @param ownMicros this process's CPU time in µs (default: `process.cpuUsage()`).
   * @param nowMs a clock in ms.
   */
  constructor(
    private readonly readMachine: () => MachineCpuTime = () =>
      parseProcStat(fs.readFileSync('/proc/stat', 'utf8')),
    private readonly ownMicros: () => number = () => {
      const u = process.cpuUsage();
      return u.user + u.system;
    },
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  /**
   * The cores other processes left free since the previous call (fractional,
   * from 0 to the machine's CPU count); undefined on the first call, when no
   * time has passed, or where the machine's CPU time cannot be read.
   */
  freeCores(): number | undefined {
    let reading: Reading;
    try {
      reading = { machine: this.readMachine(), ownMicros: this.ownMicros(), atMs: this.nowMs() };
    } catch {
      return undefined;
    }
    const previous = this.last;
    this.last = reading;
    if (!previous) return undefined;
    const seconds = (reading.atMs - previous.atMs) / 1000;
    if (!(seconds > 0)) return undefined;
    const busy = (reading.machine.busyTicks - previous.machine.busyTicks) / TICKS_PER_SECOND;
    const own = (reading.ownMicros - previous.ownMicros) / 1e6;
    const othersCores = Math.max(0, busy - own) / seconds;
    return Math.min(reading.machine.cpus, Math.max(0, reading.machine.cpus - othersCores));
  }
}
