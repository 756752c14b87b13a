import { expect } from 'chai';
import { execFile } from 'child_process';
import * as path from 'path';
import {
  FAN_OUT_COMMANDS,
  fanOutCommand,
  parseMergeCommand,
} from '../../lib/cluster/fan-out-commands';
import { parseUnitCount, UnitCount } from '../../lib/commands/shard';

const ROOT = path.resolve(__dirname, '..', '..');
const TS_NODE = require.resolve('ts-node/dist/bin');

describe('fan-out commands and merge steps (lib/cluster/fan-out-commands.ts)', () => {
  it('count the units of each command: settings, pairs, candidates, black boxes', async function () {
    this.timeout(120000);
    const flags: Record<string, string[]> = {
      ablate: ['--study', 's', '--tv', '1,2,3', '--area', '4,8', '--out', '/tmp/kit-units'],
      evaluate: ['--methods', 'gradient,occlusion', '--black-boxes', 'all', '--out', 'r/e'],
      'select-masker': ['--seeds', '0,1', '--work', '/tmp/kit-units/w'],
      'train-masker': ['--black-box', 'plain', '--out', '/tmp/kit-units/m'],
      'train-black-box': ['--out', '/tmp/kit-units/b'],
    };
    const expected: Record<string, UnitCount> = {
      ablate: { units: 6, results: '/tmp/kit-units/s' },
      evaluate: { units: 6, results: path.join(ROOT, 'r/e') },
      'select-masker': { units: 6, results: '/tmp/kit-units/w' },
      'train-masker': { units: 1, results: '/tmp/kit-units/m' },
      'train-black-box': { units: 3, results: '/tmp/kit-units/b' },
    };
    expect(Object.keys(flags)).to.deep.equal(Object.keys(FAN_OUT_COMMANDS));
    const counts = await Promise.all(
      Object.entries(FAN_OUT_COMMANDS).map(
        ([name, c]) =>
          new Promise<[string, UnitCount]>((resolve, reject) =>
            execFile(
              process.execPath,
              [TS_NODE, '--transpile-only', c.script, ...flags[name], '--count-units'],
              { cwd: ROOT },
              (err, stdout) => (err ? reject(err) : resolve([name, parseUnitCount(stdout)])),
            ),
          ),
      ),
    );
    expect(Object.fromEntries(counts)).to.deep.equal(expected);
  });

  it('merge an evaluation with make-table, and a selection with the command itself', () => {
    expect(fanOutCommand('evaluate').merge(['--methods', 'all'], '/r/eval')).to.deep.equal([
      { script: 'experiments/paper/make-table.ts', args: ['--dir', '/r/eval'] },
    ]);
    expect(fanOutCommand('select-masker').merge(['--seeds', '0,1'], '/r/w')).to.deep.equal([
      { script: 'experiments/paper/select-masker.ts', args: ['--seeds', '0,1'] },
    ]);
    expect(fanOutCommand('ablate').merge([], '/r')).to.deep.equal([]);
  });

  it('name the commands there are for an unknown one', () => {
    for (const bad of ['explain', 'toString', '__proto__'])
      expect(() => fanOutCommand(bad)).to.throw(
        `the command to submit must be one of ablate, evaluate, select-masker, train-masker, train-black-box, got '${bad}'`,
      );
  });

  it('read a merge command line, and name one that is no command of the kit', () => {
    expect(parseMergeCommand('figures --only ablation-lambda', ROOT)).to.deep.equal({
      script: 'experiments/paper/figures.ts',
      args: ['--only', 'ablation-lambda'],
    });
    for (const bad of ['', 'no-such-command', '../paper/figures'])
      expect(() => parseMergeCommand(bad, ROOT)).to.throw(
        /--merge must start with the name of a command/,
      );
  });
});
