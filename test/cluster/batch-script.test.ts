import { expect } from 'chai';
import { spawnSync } from 'child_process';
import {
  arrayScriptText,
  mergeLogPath,
  mergeScriptText,
  shellQuote,
  taskLogPath,
} from '../../lib/cluster/batch-script';
import { MARKER_MISSING_EXIT_CODE } from '../../lib/cluster/shared-marker';

const BASE = {
  name: 'ablate',
  resources: { cpusPerTask: 2, mem: '4G', time: '2:00:00' },
  workdir: '/shared/kit',
  logDir: '/shared/kit/results/slurm',
};
const ARRAY = {
  ...BASE,
  tasks: 12,
  command: { script: '/shared/kit/experiments/paper/ablate.ts', args: ['--study', 'lambda'] },
  marker: { file: '/shared/kit/results/ablations/lambda/.slurm-shared-abc', token: 'abc' },
};

describe('sbatch scripts (lib/cluster/batch-script.ts)', () => {
  it('write a job array whose task i runs the command with --shard i/n', () => {
    const text = arrayScriptText(ARRAY);
    expect(text.startsWith('#!/bin/bash\n')).to.equal(true);
    for (const line of [
      '#SBATCH --job-name=ablate',
      '#SBATCH --array=0-11',
      '#SBATCH --output=/shared/kit/results/slurm/ablate-%A_%a.log',
      '#SBATCH --open-mode=append',
      '#SBATCH --requeue',
      '#SBATCH --cpus-per-task=2',
      '#SBATCH --mem=4G',
      '#SBATCH --time=2:00:00',
      'cd /shared/kit',
      `  exit ${MARKER_MISSING_EXIT_CODE}`,
    ])
      expect(text.split('\n')).to.include(line);
    expect(text).to.match(
      /^exec node \S+ts-node\/dist\/bin\.js --transpile-only \/shared\/kit\/experiments\/paper\/ablate\.ts --study lambda --shard "\$\{SLURM_ARRAY_TASK_ID\}\/\$\{SLURM_ARRAY_TASK_COUNT\}"$/m,
    );
    expect(text).not.to.contain('--partition').and.not.to.contain('--gres');
  });

  it('add the partition, a GPU request and a limit on running tasks when asked', () => {
    const text = arrayScriptText({
      ...ARRAY,
      maxRunning: 3,
      resources: { ...ARRAY.resources, partition: 'gpu', gpus: 1 },
    });
    expect(text.split('\n')).to.include.members([
      '#SBATCH --array=0-11%3',
      '#SBATCH --partition=gpu',
      '#SBATCH --gres=gpu:1',
    ]);
  });

  it('run the task only when it sees the marker with its token', () => {
    const text = arrayScriptText({
      ...ARRAY,
      marker: { file: '/tmp/x/.marker', token: 'tok' },
      command: { script: '/bin/true.js', args: [] },
    });
    const check = text.slice(text.indexOf('marker='), text.indexOf('echo "task'));
    const bash = (setup: string) =>
      spawnSync('bash', ['-c', `${setup}\n${check}\necho ran`], { encoding: 'utf8' });
    const missing = bash('');
    expect(missing.status).to.equal(MARKER_MISSING_EXIT_CODE);
    expect(missing.stderr).to.match(/does not see the marker \/tmp\/x\/\.marker/);
    // The same check with the marker replaced by a file holding the token passes.
    const dir = spawnSync('mktemp', ['-d'], { encoding: 'utf8' }).stdout.trim();
    const seen = spawnSync(
      'bash',
      ['-c', `echo tok > ${dir}/m\n${check.replace('/tmp/x/.marker', `${dir}/m`)}\necho ran`],
      { encoding: 'utf8' },
    );
    expect(seen.status).to.equal(0);
    expect(seen.stdout).to.equal('ran\n');
    spawnSync('rm', ['-r', dir]);
  });

  it('quote arguments so bash passes them on unchanged', () => {
    const args = ['plain', 'two words', "it's", '$HOME', '`x`', 'a"b', '', '--flag=a,b'];
    const echoed = spawnSync('bash', ['-c', `printf '%s\\n' ${args.map(shellQuote).join(' ')}`], {
      encoding: 'utf8',
    }).stdout;
    expect(echoed).to.equal(args.map((a) => `${a}\n`).join(''));
    expect(shellQuote('--study')).to.equal('--study');
  });

  it('write a merge job that runs its commands in order, with the dependency left to sbatch', () => {
    const text = mergeScriptText({
      ...BASE,
      commands: [
        { script: '/shared/kit/experiments/paper/make-table.ts', args: ['--dir', '/r/e'] },
        { script: '/shared/kit/experiments/paper/figures.ts', args: [] },
      ],
    });
    expect(text).to.contain('#SBATCH --output=/shared/kit/results/slurm/ablate-merge-%j.log');
    expect(text).to.contain('#SBATCH --kill-on-invalid-dep=yes');
    expect(text).not.to.contain('--array').and.not.to.contain('--dependency');
    const lines = text.split('\n').filter((l) => l.startsWith('node '));
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/make-table\.ts --dir \/r\/e$/);
    expect(lines[1]).to.match(/figures\.ts$/);
    expect(text).to.contain('set -euo pipefail');
  });

  it('name the log files the way the scripts make Slurm write them', () => {
    expect(taskLogPath('/l', 'ablate', '42', 3)).to.equal('/l/ablate-42_3.log');
    expect(mergeLogPath('/l', 'ablate', '43')).to.equal('/l/ablate-merge-43.log');
  });
});
