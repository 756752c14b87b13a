import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import {
  FAN_OUT_COMMANDS,
  fanOutCommand,
  parseMergeCommand,
} from '../../lib/cluster/fan-out-commands';

const ROOT = path.resolve(__dirname, '..', '..');

describe('fan-out commands and merge steps (lib/cluster/fan-out-commands.ts)', () => {
  it('name scripts of the kit that take --shard and --count-units', () => {
    for (const [name, c] of Object.entries(FAN_OUT_COMMANDS)) {
      const text = fs.readFileSync(path.join(ROOT, c.script), 'utf8');
      expect(text, name).to.contain('addShardFlags(').and.contain('printUnitCount(');
    }
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
