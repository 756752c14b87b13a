/**
 * The Slurm commands `submit` uses, run as child processes: `sbatch` to
 * submit, `scontrol` to check a partition, `sacct` (or `scontrol` where the
 * cluster keeps no accounting) to read job and array-task states, `scancel`
 * to cancel. The parsers of their output are pure functions, tested without Slurm.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { UserError } from '../core/user-error';

/** The state of one job, or of some tasks of an array job, as Slurm reports it. */
export interface JobRecord {
  /** Array task ids the record covers; undefined for a job that is not an array. */
  taskIds?: number[];
  /** Slurm's state name, without qualifiers (`COMPLETED`, `CANCELLED`, …). */
  state: string;
  /** The exit code of the batch script (0 until it has ended). */
  exitCode: number;
}

/** Slurm client commands `submit` needs on PATH. */
export const SLURM_COMMANDS = ['sbatch', 'scontrol', 'scancel'] as const;

/** Absolute path of `command` on PATH, or undefined. */
export function findOnPath(
  command: string,
  pathVariable = process.env.PATH ?? '',
): string | undefined {
  for (const dir of pathVariable.split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, command);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** Throws a {@link UserError} naming the first Slurm client command missing from PATH. */
export function requireSlurmCommands(pathVariable = process.env.PATH ?? ''): void {
  const missing = SLURM_COMMANDS.find((c) => findOnPath(c, pathVariable) === undefined);
  if (missing !== undefined)
    throw new UserError(
      `no ${missing} on PATH: submitting needs Slurm's client commands (${SLURM_COMMANDS.join(', ')}); run submit on a login node of the cluster, or use --dry-run to print the scripts`,
    );
}

interface Output {
  status: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: readonly string[]): Output {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  // A command that cannot start (not on PATH) reads like a shell's exit 127.
  if (r.error) return { status: 127, stdout: '', stderr: r.error.message };
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

function runOrThrow(command: string, args: readonly string[]): string {
  const r = run(command, args);
  if (r.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** Throws a {@link UserError} naming the partitions there are when `partition` is not one of them. */
export function checkPartition(partition: string): void {
  if (run('scontrol', ['show', 'partition', partition]).status === 0) return;
  const known = run('scontrol', ['-o', 'show', 'partition']).stdout;
  const names = [...known.matchAll(/^PartitionName=(\S+)/gm)].map((m) => m[1]);
  throw new UserError(
    `--partition must be a partition of this cluster (${names.join(', ') || 'none found'}), got '${partition}'`,
  );
}

/** The job id in `sbatch --parsable` output (`123` or `123;cluster`). */
export function parseSbatchJobId(output: string): string {
  const id = output.trim().split(';')[0];
  if (!/^\d+$/.test(id)) throw new Error(`sbatch printed no job id: '${output.trim()}'`);
  return id;
}

/** Submits the script file with the extra sbatch arguments; returns the job id. */
export function sbatch(scriptFile: string, args: readonly string[] = []): string {
  return parseSbatchJobId(runOrThrow('sbatch', ['--parsable', ...args, scriptFile]));
}

/** Cancels the jobs (whole arrays included); ids that are finished already are fine. */
export function scancel(jobIds: readonly string[]): void {
  if (jobIds.length) run('scancel', [...jobIds]);
}

/** Task ids of a Slurm id list: `3`, `0-7`, `1,4-6`, `0-15%4`, `[2-5]`. */
export function parseTaskIds(spec: string): number[] {
  const ids: number[] = [];
  for (const part of spec.replace(/[[\]]/g, '').replace(/%\d+$/, '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new Error(`not a Slurm task id list: '${spec}'`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    for (let i = from; i <= to; i++) ids.push(i);
  }
  return ids;
}

/** The exit code of Slurm's `code:signal` (a signal counts as 128 + signal, as in a shell). */
function exitCodeOf(text: string): number {
  const [code, signal] = text.split(':').map(Number);
  return signal ? 128 + signal : code;
}

/** Records of `scontrol -o show job <id>` (one line per job or group of pending array tasks). */
export function parseScontrolJobs(output: string): JobRecord[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('JobId='))
    .map((line) => {
      const field = (key: string) => new RegExp(`(?:^| )${key}=(\\S*)`).exec(line)?.[1];
      const tasks = field('ArrayTaskId');
      return {
        taskIds: tasks === undefined ? undefined : parseTaskIds(tasks),
        state: field('JobState') ?? 'UNKNOWN',
        exitCode: exitCodeOf(field('ExitCode') ?? '0:0'),
      };
    });
}

/** Records of `sacct -n -P -X --format=JobID,State,ExitCode` (`12_3|COMPLETED|0:0`, `12_[4-7]|PENDING|0:0`). */
export function parseSacctJobs(output: string): JobRecord[] {
  return output
    .split('\n')
    .filter((line) => line.includes('|'))
    .map((line) => {
      const [id, state, exit] = line.split('|');
      const task = /_(.+)$/.exec(id)?.[1];
      return {
        taskIds: task === undefined ? undefined : parseTaskIds(task),
        state: state.split(' ')[0],
        exitCode: exitCodeOf(exit ?? '0:0'),
      };
    });
}

/**
 * The states of job `jobId` and its array tasks: from `sacct` where the
 * cluster keeps accounting, else from `scontrol`, which knows a finished job
 * for the cluster's MinJobAge (default five minutes). Empty when neither knows it.
 */
export function jobStates(jobId: string): JobRecord[] {
  const sacct = run('sacct', ['-n', '-P', '-X', '-j', jobId, '--format=JobID,State,ExitCode']);
  if (sacct.status === 0) {
    const records = parseSacctJobs(sacct.stdout);
    if (records.length) return records;
  }
  const scontrol = run('scontrol', ['-o', 'show', 'job', jobId]);
  return scontrol.status === 0 ? parseScontrolJobs(scontrol.stdout) : [];
}
