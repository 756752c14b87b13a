/**
 * The text of the two sbatch scripts `submit` hands to Slurm: the job array,
 * whose task i runs a kit command with `--shard i/n` (i and n from
 * `SLURM_ARRAY_TASK_ID` and `SLURM_ARRAY_TASK_COUNT`), and the merge job,
 * which runs the commands that read every task's results once the whole
 * array has succeeded (its `--dependency=afterok:<array>` is given at
 * submission, when the array's id is known).
 *
 * Array tasks are requeue-safe: `--requeue` lets Slurm run a preempted or
 * failed-node task again, its log is appended to (`--open-mode=append`), and
 * the kit's commands skip finished work and resume from their checkpoints,
 * writing every results file atomically.
 */
import * as path from 'path';
import { MARKER_MISSING_EXIT_CODE, SharedMarker } from './shared-marker';
import type { TaskResources } from './task-resources';

/** One command line a task runs: a Node script of the kit and its arguments. */
export interface KitCommandLine {
  /** Absolute script path (a .ts file runs through ts-node). */
  script: string;
  args: readonly string[];
}

/** What both scripts share. */
interface ScriptBase {
  /** Slurm job name (`--job-name`); also names the log files. */
  name: string;
  resources: TaskResources;
  /** Absolute folder the tasks run in (where submit ran, so relative paths in the arguments hold). */
  workdir: string;
  /** Absolute folder of the logs. */
  logDir: string;
}

/** The job array of one fan-out command. */
export interface ArrayScript extends ScriptBase {
  /** Number of array tasks (shards). */
  tasks: number;
  /** Most tasks running at once (`--array=…%k`); undefined: no limit. */
  maxRunning?: number;
  command: KitCommandLine;
  /** The marker every task must see before running (lib/cluster/shared-marker.ts). */
  marker: SharedMarker;
}

/** The merge job: commands run one after the other once the array succeeded. */
export interface MergeScript extends ScriptBase {
  commands: readonly KitCommandLine[];
}

/** `text` quoted for bash: one word, nothing expanded. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Log file of array task `index` of job `jobId` (what `%A_%a` in the array's `--output` becomes). */
export function taskLogPath(logDir: string, name: string, jobId: string, index: number): string {
  return path.join(logDir, `${name}-${jobId}_${index}.log`);
}

/** Log file of the merge job `jobId` (what `%j` in its `--output` becomes). */
export function mergeLogPath(logDir: string, name: string, jobId: string): string {
  return path.join(logDir, `${name}-merge-${jobId}.log`);
}

/** `#SBATCH` lines of the resources every task gets. */
function resourceDirectives(r: TaskResources): string[] {
  return [
    `--cpus-per-task=${r.cpusPerTask}`,
    `--mem=${r.mem}`,
    `--time=${r.time}`,
    ...(r.partition === undefined ? [] : [`--partition=${r.partition}`]),
    ...(r.gpus === undefined ? [] : [`--gres=gpu:${r.gpus}`]),
  ];
}

/** The bash words that run one kit command with the `node` on the task's PATH. */
function commandWords(line: KitCommandLine): string[] {
  const tsNode = require.resolve('ts-node/dist/bin');
  const runner = line.script.endsWith('.ts') ? ['node', tsNode, '--transpile-only'] : ['node'];
  return [...runner, line.script, ...line.args].map(shellQuote);
}

function header(base: ScriptBase, directives: string[]): string[] {
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=${base.name}`,
    ...[...directives, ...resourceDirectives(base.resources)].map((d) => `#SBATCH ${d}`),
    'set -euo pipefail',
    `cd ${shellQuote(base.workdir)}`,
  ];
}

/** The sbatch script of the job array. */
export function arrayScriptText(s: ArrayScript): string {
  const throttle = s.maxRunning === undefined ? '' : `%${s.maxRunning}`;
  const marker = shellQuote(s.marker.file);
  return [
    ...header(s, [
      `--array=0-${s.tasks - 1}${throttle}`,
      `--output=${path.join(s.logDir, `${s.name}-%A_%a.log`)}`,
      '--open-mode=append',
      '--requeue',
    ]),
    '# The results folder must be the one submit wrote its marker into.',
    `marker=${marker}`,
    `if [[ "$(cat "$marker" 2>/dev/null)" != ${shellQuote(s.marker.token)} ]]; then`,
    '  echo "error: $(hostname) does not see the marker $marker: the results folder is not shared with this node" >&2',
    `  exit ${MARKER_MISSING_EXIT_CODE}`,
    'fi',
    'echo "task ${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT} on $(hostname), run ${SLURM_RESTART_COUNT:-0}, $(date -u +%FT%TZ)"',
    `exec ${commandWords(s.command).join(' ')} --shard "\${SLURM_ARRAY_TASK_ID}/\${SLURM_ARRAY_TASK_COUNT}"`,
    '',
  ].join('\n');
}

/** The sbatch script of the merge job (without its dependency, which sbatch gets on its command line). */
export function mergeScriptText(s: MergeScript): string {
  return [
    ...header(s, [
      `--output=${path.join(s.logDir, `${s.name}-merge-%j.log`)}`,
      '--kill-on-invalid-dep=yes',
    ]),
    ...s.commands.map((c) => commandWords(c).join(' ')),
    '',
  ].join('\n');
}
