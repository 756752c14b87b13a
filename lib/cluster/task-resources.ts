/**
 * What each Slurm task asks for (`--cpus-per-task`, `--mem`, `--time`,
 * `--partition`, a GPU request) and the strict parsing of those flags, so a
 * malformed value is a named error here instead of an sbatch rejection later.
 */
import { parsePositiveInteger } from '../commands/cli';
import { UserError } from '../core/user-error';

/** Resources of one task. */
export interface TaskResources {
  cpusPerTask: number;
  /** Memory per node in Slurm's form: a number with an optional unit K, M, G or T (`4G`). */
  mem: string;
  /** Wall-clock limit in Slurm's form (`30`, `2:00:00`, `1-12:00:00`). */
  time: string;
  /** Partition; undefined: the cluster's default. */
  partition?: string;
  /** GPUs per task (`--gres=gpu:n`); undefined: none. */
  gpus?: number;
}

/** The flags' values as given. */
export interface TaskResourceFlags {
  cpusPerTask: string;
  mem: string;
  time: string;
  partition?: string;
  gpus?: string;
}

const MEMORY = /^[1-9]\d*[KMGT]?$/;
/** minutes | minutes:seconds | hours:minutes:seconds | days-hours[:minutes[:seconds]] */
const TIME = /^(\d+(:\d{1,2}){0,2}|\d+-\d{1,2}(:\d{1,2}){0,2})$/;
/** What Slurm accepts in partition and job names and what needs no quoting in a script. */
export const SLURM_NAME = /^[A-Za-z0-9][\w.-]*$/;

/** Parses the resource flags; throws a {@link UserError} naming the flag and the form expected. */
export function parseTaskResources(flags: TaskResourceFlags): TaskResources {
  if (!MEMORY.test(flags.mem))
    throw new UserError(
      `--mem must be a whole number with an optional unit K, M, G or T (as sbatch takes it, e.g. 4G), got '${flags.mem}'`,
    );
  if (!TIME.test(flags.time))
    throw new UserError(
      `--time must be a Slurm time limit: minutes, h:mm:ss or d-hh:mm:ss (e.g. 2:00:00), got '${flags.time}'`,
    );
  if (flags.partition !== undefined && !SLURM_NAME.test(flags.partition))
    throw new UserError(
      `--partition must be a partition name (letters, digits, '.', '_', '-'), got '${flags.partition}'`,
    );
  return {
    cpusPerTask: parsePositiveInteger(flags.cpusPerTask, '--cpus-per-task'),
    mem: flags.mem,
    time: flags.time,
    partition: flags.partition,
    gpus: flags.gpus === undefined ? undefined : parsePositiveInteger(flags.gpus, '--gpus'),
  };
}
