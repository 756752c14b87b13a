/**
 * A real single-node Slurm cluster for the tests of experiments/tools/submit.ts:
 * munged, slurmctld and slurmd started as root in a temporary folder with a
 * generated slurm.conf (this machine as its one node, with the cores and
 * memory `slurmd -C` reports, one partition `kit`), on ports of its own, and
 * shut down afterwards. Clients reach it through `SLURM_CONF` in {@link SlurmCluster.env}.
 *
 * slurmd runs in a mount namespace of its own where {@link SlurmCluster.unsharedDir}
 * is an empty tmpfs: a folder this process writes to but the node does not
 * see, like a results folder on a disk that is not shared with the nodes.
 */
import { spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Debian packages the cluster needs (scripts/setup.sh installs them). */
export const SLURM_PACKAGES = ['slurmctld', 'slurmd', 'slurm-client', 'munge'];

/** The partition of the test cluster. */
export const TEST_PARTITION = 'kit';

export interface SlurmCluster {
  dir: string;
  /** Environment of the Slurm clients (process.env with SLURM_CONF). */
  env: NodeJS.ProcessEnv;
  /** A folder that exists here and is empty on the node; undefined where mount namespaces are not allowed. */
  unsharedDir?: string;
  /** Runs a Slurm client command against this cluster; returns its stdout. */
  client: (command: string, args: string[]) => string;
  /** Shuts the daemons down and deletes the folder (once; also when the process exits). */
  stop: () => void;
}

const BINARIES = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'scontrol', 'sinfo'];

/** Why the cluster cannot start here; undefined when it can. */
export function slurmUnavailable(): string | undefined {
  const missing = BINARIES.filter((b) => spawnSync('which', [b]).status !== 0);
  if (missing.length)
    return `Slurm is not installed (no ${missing.join(', ')}): apt-get install ${SLURM_PACKAGES.join(' ')}, or run scripts/setup.sh as root`;
  if (process.getuid?.() !== 0) return 'the test cluster runs slurmd as root, and this is not root';
  return undefined;
}

function run(command: string, args: string[], env?: NodeJS.ProcessEnv): string {
  const r = spawnSync(command, args, { encoding: 'utf8', env });
  if (r.status !== 0)
    throw new Error(`${command} ${args.join(' ')}: exit ${r.status} ${r.stderr ?? ''}`);
  return r.stdout;
}

function waitFor(what: string, seconds: number, ready: () => boolean): void {
  const end = Date.now() + 1000 * seconds;
  while (!ready()) {
    if (Date.now() > end) throw new Error(`the test cluster: ${what} within ${seconds} s`);
    spawnSync('sleep', ['0.2']);
  }
}

const pidOf = (file: string) => (fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : 0);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts the cluster; throws (after stopping what started) when it does not come up. */
export function startSlurmCluster(): SlurmCluster {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kit-slurm-'));
  const at = (...p: string[]) => path.join(dir, ...p);
  for (const sub of ['state', 'spool', 'log', 'munge', 'unshared']) fs.mkdirSync(at(sub));
  fs.chmodSync(at('munge'), 0o711);
  fs.writeFileSync(at('munge', 'munge.key'), randomBytes(1024), { mode: 0o600 });
  const socket = at('munge', 'munge.sock');
  const node = run('slurmd', ['-C']).split('\n')[0].trim(); // NodeName=… CPUs=… RealMemory=…
  const host = /^NodeName=(\S+)/.exec(node)![1];
  const port = 20000 + Math.floor(Math.random() * 20000);
  const conf = at('slurm.conf');
  fs.writeFileSync(
    conf,
    [
      'ClusterName=kit-test',
      `SlurmctldHost=${host}(127.0.0.1)`,
      `SlurmctldPort=${port}`,
      `SlurmdPort=${port + 1}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      'CredType=cred/munge',
      `AuthInfo=socket=${socket}`,
      `StateSaveLocation=${at('state')}`,
      `SlurmdSpoolDir=${at('spool')}`,
      `SlurmctldPidFile=${at('slurmctld.pid')}`,
      `SlurmdPidFile=${at('slurmd.pid')}`,
      `SlurmctldLogFile=${at('log', 'slurmctld.log')}`,
      `SlurmdLogFile=${at('log', 'slurmd.log')}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core_Memory',
      'ReturnToService=2',
      'MpiDefault=none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'MinJobAge=600',
      'KillWait=2',
      'InactiveLimit=0',
      `${node} NodeAddr=127.0.0.1 State=UNKNOWN`,
      `PartitionName=${TEST_PARTITION} Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'),
  );
  const env = { ...process.env, SLURM_CONF: conf };
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    spawnSync('scontrol', ['shutdown'], { env });
    const munged = pidOf(at('munge', 'munged.pid'));
    if (munged > 0 && alive(munged)) process.kill(munged, 'SIGTERM');
    for (const file of ['slurmctld.pid', 'slurmd.pid', 'munge/munged.pid']) {
      const pid = pidOf(at(file));
      if (pid > 0 && alive(pid)) {
        try {
          waitFor(`${file} ends`, 10, () => !alive(pid));
        } catch {
          process.kill(pid, 'SIGKILL');
        }
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // Daemons outlive their starter: stop them even when the tests end without their after hook.
  process.once('exit', stop);
  try {
    run('munged', [
      '--force',
      `--socket=${socket}`,
      `--key-file=${at('munge', 'munge.key')}`,
      `--pid-file=${at('munge', 'munged.pid')}`,
      `--seed-file=${at('munge', 'seed')}`,
      `--log-file=${at('log', 'munged.log')}`,
    ]);
    run('slurmctld', ['-f', conf]);
    // slurmd in a mount namespace where unshared/ is an empty tmpfs.
    const hidden = spawnSync('unshare', ['-m', '--propagation', 'private', 'true']).status === 0;
    if (hidden)
      run('unshare', [
        '-m',
        '--propagation',
        'private',
        'sh',
        '-c',
        `mount -t tmpfs kit-unshared '${at('unshared')}' && exec slurmd -f '${conf}'`,
      ]);
    else run('slurmd', ['-f', conf]);
    waitFor('the node is idle', 30, () =>
      /idle/.test(spawnSync('sinfo', ['-h', '-o', '%t'], { env, encoding: 'utf8' }).stdout ?? ''),
    );
    return {
      dir,
      env,
      unsharedDir: hidden ? at('unshared') : undefined,
      client: (command, args) => run(command, args, env),
      stop,
    };
  } catch (err) {
    stop();
    throw err;
  }
}
