/**
 * Runs one of the kit's fan-out commands (ablate, evaluate, select-masker,
 * train-masker, train-black-box) on a Slurm cluster: a job array whose task i
 * runs the command with `--shard i/n`, one task per unit of work (setting,
 * pair, black box, candidate) unless `--tasks` says fewer, each with the
 * resources the flags ask for; then the command's merge step (make-table
 * for evaluate, the choice for select-masker, or the `--merge` commands) as
 * a job that starts once every task has succeeded (`--dependency=afterok`).
 *
 * Before submitting, the command is run here with `--count-units`, which
 * checks its flags and says how many units there are and where their
 * results go; a marker written there must be visible to every task, or the
 * array is cancelled with a named error before any task has written
 * anything. Submit then follows the array with a progress bar and ends with a
 * summary naming every failed task and its log. Tasks are requeue-safe: the
 * commands skip finished work, resume from checkpoints and write results
 * atomically, so a preempted or requeued task (or a second submit after a
 * failure) continues where the work stopped. `--dry-run` prints the scripts
 * and submits nothing. docs/cluster.md: what each node needs.
 *
 * Run: npx ts-node --transpile-only experiments/tools/submit.ts --partition cpu --mem 4G --time 1:00:00 -- ablate --study lambda --tv 3,10,30 --area 2,8
 *      npx ts-node --transpile-only experiments/tools/submit.ts --dry-run -- evaluate --methods all --black-boxes all
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as cliProgress from 'cli-progress';
import {
  arrayScriptText,
  KitCommandLine,
  mergeLogPath,
  mergeScriptText,
  taskLogPath,
} from '../../lib/cluster/batch-script';
import { fanOutCommand, parseMergeCommand } from '../../lib/cluster/fan-out-commands';
import { followJob, JobProgress } from '../../lib/cluster/job-follower';
import {
  MARKER_MISSING_EXIT_CODE,
  removeSharedMarker,
  SharedMarker,
  writeSharedMarker,
} from '../../lib/cluster/shared-marker';
import {
  checkPartition,
  jobStates,
  requireSlurmCommands,
  sbatch,
  scancel,
} from '../../lib/cluster/slurm-client';
import {
  parseTaskResources,
  SLURM_NAME,
  TaskResourceFlags,
} from '../../lib/cluster/task-resources';
import {
  parseNumber,
  parsePositiveInteger,
  POSITIVE_NUMBER,
  program,
  runMain,
  USER_ERROR_EXIT_CODE,
} from '../../lib/commands/cli';
import { parseUnitCount, UnitCount } from '../../lib/commands/shard';
import { UserError } from '../../lib/core/user-error';

interface Options extends TaskResourceFlags {
  tasks?: string;
  maxRunning?: string;
  name?: string;
  logs: string;
  merge: string[];
  skipMerge?: boolean;
  follow: boolean;
  poll: string;
  dryRun?: boolean;
}

/** The repository root: the scripts of the kit's commands are found from it. */
const ROOT = path.resolve(__dirname, '..', '..');
/** The kit's results folder (lib/io/results.ts RESULTS_DIR, not imported: it loads the engine, which submit does not need). */
const RESULTS = path.join(ROOT, 'results');

function parseArgs(): { opts: Options; name: string; args: string[] } {
  const command = program(
    "Run a fan-out command of the kit as a Slurm job array, then its merge step; follow it to the end. Put the command after '--'.",
  )
    .argument('<command>', 'ablate | evaluate | select-masker | train-masker | train-black-box')
    .argument('[args...]', "the command's own flags, as you would give them to it")
    .passThroughOptions()
    .option('--cpus-per-task <n>', 'CPU cores per task (sbatch --cpus-per-task)', '1')
    .option('--mem <size>', 'memory per task (sbatch --mem: 4G, 4000M)', '4G')
    .option('--time <limit>', 'wall-clock limit per task (sbatch --time: 30, 2:00:00)', '2:00:00')
    .option('--partition <name>', "partition (default: the cluster's default)")
    .option('--gpus <n>', 'GPUs per task (sbatch --gres=gpu:n; needs tfjs-node-gpu on the nodes)')
    .option('--tasks <n>', 'array tasks (default: one per unit of work; never more)')
    .option('--max-running <n>', 'most tasks running at once (sbatch --array=…%n)')
    .option('--name <name>', 'job name, which also names the logs (default: the command)')
    .option('--logs <dir>', 'folder of the scripts and logs', path.join(RESULTS, 'slurm'))
    .option(
      '--merge <command>',
      "a merge step instead of the command's own, e.g. 'figures --only ablation-lambda' (repeatable)",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--skip-merge', 'submit no merge step')
    .option('--no-follow', 'submit and return: follow with squeue -j <id>')
    .option('--poll <s>', 'seconds between looks at the job while following', '10')
    .option('--dry-run', 'print the scripts and submit nothing (needs no Slurm)')
    .parse();
  const [name, args] = command.processedArgs as [string, string[]];
  return { opts: command.opts<Options>(), name, args };
}

/**
 * Runs the command here with `--count-units`: it checks its flags (a bad one
 * stops submit with the command's own error) and reports its units and results folder.
 */
function countUnits(script: string, args: readonly string[]): UnitCount {
  const tsNode = require.resolve('ts-node/dist/bin');
  const r = spawnSync(
    process.execPath,
    [tsNode, '--transpile-only', path.join(ROOT, script), ...args, '--count-units'],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) {
    const message = /^error: (.*)$/m.exec(r.stderr)?.[1] ?? r.stderr.trim();
    const error = `${path.basename(script, '.ts')}: ${message}`;
    throw r.status === USER_ERROR_EXIT_CODE ? new UserError(error) : new Error(error);
  }
  return parseUnitCount(r.stdout);
}

/** A progress bar of array tasks on stdout (a line now and then where stdout is no terminal). */
function taskBar(
  name: string,
  total: number,
): { update: (p: JobProgress) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    {
      format: `${name} [{bar}] {value}/{total} tasks ended | {running} running, {pending} pending, {failed} failed | {duration}s`,
      noTTYOutput: true,
      notTTYSchedule: 30000,
      barsize: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { running: 0, pending: total, failed: 0 });
  return {
    update: (p) =>
      bar.update(p.succeeded + p.failed, {
        running: p.running,
        pending: p.pending,
        failed: p.failed,
      }),
    stop: () => bar.stop(),
  };
}

async function main(): Promise<void> {
  const { opts, name, args } = parseArgs();
  const fanOut = fanOutCommand(name);
  const given = args.find((a) => /^--(shard|count-units)(=|$)/.test(a));
  if (given !== undefined)
    throw new UserError(
      `${given.split('=')[0]} is what submit gives each task; leave it out of the ${name} flags`,
    );
  const resources = parseTaskResources(opts);
  const jobName = opts.name ?? name;
  if (!SLURM_NAME.test(jobName))
    throw new UserError(
      `--name must be a job name of letters, digits, '.', '_' and '-', got '${jobName}'`,
    );
  const maxTasks =
    opts.tasks === undefined ? undefined : parsePositiveInteger(opts.tasks, '--tasks');
  const maxRunning =
    opts.maxRunning === undefined
      ? undefined
      : parsePositiveInteger(opts.maxRunning, '--max-running');
  const pollMs = 1000 * parseNumber(opts.poll, '--poll', POSITIVE_NUMBER);
  if (opts.skipMerge && opts.merge.length)
    throw new UserError('--skip-merge and --merge exclude each other: give one of them');
  const merges = opts.merge.map((line) => parseMergeCommand(line, ROOT));
  if (!opts.dryRun) {
    requireSlurmCommands();
    if (resources.partition !== undefined) checkPartition(resources.partition);
  }

  const plan = countUnits(fanOut.script, args);
  if (plan.units === 0) throw new UserError(`${name} with these flags has no units of work to run`);
  const tasks = Math.min(maxTasks ?? plan.units, plan.units);
  const logDir = path.resolve(opts.logs);
  const absolute = (line: KitCommandLine) => ({ ...line, script: path.join(ROOT, line.script) });
  const mergeLines = (
    opts.skipMerge ? [] : merges.length ? merges : fanOut.merge(args, plan.results)
  ).map(absolute);
  const base = { name: jobName, resources, workdir: process.cwd(), logDir };
  const scripts = (marker: SharedMarker) => ({
    array: arrayScriptText({
      ...base,
      tasks,
      maxRunning,
      command: absolute({ script: fanOut.script, args }),
      marker,
    }),
    merge: mergeLines.length ? mergeScriptText({ ...base, commands: mergeLines }) : undefined,
  });
  console.log(
    `${name}: ${plan.units} units of work in ${tasks} array tasks; results → ${plan.results}`,
  );

  if (opts.dryRun) {
    const text = scripts({
      file: path.join(plan.results, '.slurm-shared-<token>'),
      token: '<token>',
    });
    console.log(`\n# sbatch --parsable <array script>\n${text.array}`);
    if (text.merge)
      console.log(
        `# sbatch --parsable --dependency=afterok:<array job id> <merge script>\n${text.merge}`,
      );
    console.log('dry run: nothing submitted');
    return;
  }

  fs.mkdirSync(logDir, { recursive: true });
  const marker = writeSharedMarker(plan.results);
  const text = scripts(marker);
  const arrayFile = path.join(logDir, `${jobName}-array.sbatch`);
  fs.writeFileSync(arrayFile, text.array);
  let arrayId: string;
  try {
    arrayId = sbatch(arrayFile);
  } catch (err) {
    removeSharedMarker(marker);
    throw err;
  }
  let mergeId: string | undefined;
  if (text.merge) {
    const mergeFile = path.join(logDir, `${jobName}-merge.sbatch`);
    fs.writeFileSync(mergeFile, text.merge);
    mergeId = sbatch(mergeFile, [`--dependency=afterok:${arrayId}`]);
  }
  const taskLog = (i: number) => taskLogPath(logDir, jobName, arrayId, i);
  console.log(
    `submitted job array ${arrayId} (${tasks} tasks, logs ${taskLog(0).replace(/_0\.log$/, '_<task>.log')})` +
      (mergeId
        ? `; merge job ${mergeId} after it (log ${mergeLogPath(logDir, jobName, mergeId)})`
        : ''),
  );
  if (!opts.follow) {
    console.log(`follow with: squeue -j ${[arrayId, mergeId].filter(Boolean).join(',')}`);
    return;
  }

  const bar = taskBar(jobName, tasks);
  const array = await followJob({
    jobId: arrayId,
    tasks,
    read: jobStates,
    pollMs,
    onProgress: bar.update,
    stopWhen: (t) => t.exitCode === MARKER_MISSING_EXIT_CODE,
  });
  bar.stop();
  if (array.stopped) {
    scancel([arrayId, ...(mergeId ? [mergeId] : [])]);
    removeSharedMarker(marker);
    const task = array.failed.find((t) => t.exitCode === MARKER_MISSING_EXIT_CODE)!;
    throw new UserError(
      `the results folder ${plan.results} is not shared with the nodes: task ${task.index} did not see the marker submit wrote there (log ${taskLog(task.index)}); ` +
        'put the results on a file system every node mounts at the same path (job cancelled, nothing written)',
    );
  }
  if (array.failed.length) {
    if (mergeId) scancel([mergeId]);
    removeSharedMarker(marker);
    for (const t of array.failed)
      console.error(`task ${t.index}: ${t.state}, exit ${t.exitCode}, log ${taskLog(t.index)}`);
    throw new Error(
      `${array.failed.length} of ${tasks} tasks of job ${arrayId} failed (${array.failed.map((t) => `task ${t.index}: ${taskLog(t.index)}`).join('; ')})` +
        `${mergeId ? '; merge job cancelled' : ''}; submitting again runs what is left`,
    );
  }
  console.log(`all ${tasks} tasks of job ${arrayId} succeeded`);
  if (mergeId) {
    const merge = await followJob({ jobId: mergeId, tasks: 1, read: jobStates, pollMs });
    const log = mergeLogPath(logDir, jobName, mergeId);
    removeSharedMarker(marker);
    if (merge.failed.length)
      throw new Error(
        `merge job ${mergeId} ended ${merge.failed[0].state}, exit ${merge.failed[0].exitCode}: log ${log}`,
      );
    console.log(`merge job ${mergeId} succeeded (log ${log})`);
  } else removeSharedMarker(marker);
}

runMain(main);
