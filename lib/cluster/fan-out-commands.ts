/**
 * The kit's commands that fan out into independent units of work, which
 * `submit` runs as Slurm job arrays (each has `--shard` and `--count-units`,
 * lib/commands/shard.ts), with the merge step each runs by default once
 * every task has succeeded; and how a merge command named by the user maps to its script.
 */
import * as fs from 'fs';
import * as path from 'path';
import { UserError } from '../core/user-error';
import type { KitCommandLine } from './batch-script';

/** Folders of the kit's commands, relative to the repository root, searched in this order. */
const COMMAND_FOLDERS = ['experiments/paper', 'experiments/tools', 'experiments/bench'];

/** One fan-out command. */
export interface FanOutCommand {
  /** Script relative to the repository root (where the merge steps' scripts are too). */
  script: string;
  /** The merge step run after the array: from the command's arguments and its results folder. */
  merge: (args: readonly string[], results: string) => KitCommandLine[];
}

/** The fan-out commands by name. */
export const FAN_OUT_COMMANDS: Readonly<Record<string, FanOutCommand>> = Object.freeze({
  ablate: { script: 'experiments/paper/ablate.ts', merge: () => [] },
  evaluate: {
    script: 'experiments/paper/evaluate.ts',
    merge: (_args, results) => [
      { script: 'experiments/paper/make-table.ts', args: ['--dir', results] },
    ],
  },
  // The array trains and scores the candidates; the same command without --shard then chooses.
  'select-masker': {
    script: 'experiments/paper/select-masker.ts',
    merge: (args) => [{ script: 'experiments/paper/select-masker.ts', args: [...args] }],
  },
  'train-masker': { script: 'experiments/paper/train-masker.ts', merge: () => [] },
  'train-black-box': { script: 'experiments/paper/train-black-box.ts', merge: () => [] },
});

/** The fan-out command `name`; throws a {@link UserError} listing them when it is none. */
export function fanOutCommand(name: string): FanOutCommand {
  const command = Object.prototype.hasOwnProperty.call(FAN_OUT_COMMANDS, name)
    ? FAN_OUT_COMMANDS[name]
    : undefined;
  if (command === undefined)
    throw new UserError(
      `the command to submit must be one of ${Object.keys(FAN_OUT_COMMANDS).join(', ')}, got '${name}'`,
    );
  return command;
}

/**
 * A merge command as the user writes it, `make-table --dir results/x`: the
 * first word names a command of experiments/ (without `.ts`), the rest are
 * its arguments, split at spaces.
 */
export function parseMergeCommand(line: string, root: string): KitCommandLine {
  const [name, ...args] = line.trim().split(/\s+/);
  const script = /^[\w-]+$/.test(name)
    ? COMMAND_FOLDERS.map((f) => `${f}/${name}.ts`).find((s) => fs.existsSync(path.join(root, s)))
    : undefined;
  if (script === undefined)
    throw new UserError(
      `--merge must start with the name of a command in ${COMMAND_FOLDERS.join(', ')} (such as make-table), got '${line}'`,
    );
  return { script, args };
}
