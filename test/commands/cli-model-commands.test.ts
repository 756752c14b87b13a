/**
 * The flags that explain a user's own classifier (`explain`, and `--model`
 * in evaluate, train-masker, masker-speed and select-masker) as a user meets
 * them: each mistake ends the command with exit code 2 and one
 * `error: …` line on stderr naming what is wrong. The invocations run as
 * child processes, a few at a time, before the checks.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  writeFlatGraphClassifier,
  writeGreyGraphClassifier,
} from '../helpers/grey-graph-classifier';
import { CommandOutcome, runCommands } from '../helpers/run-command';
import { TinyImageFolder, writeTinyImageFolder } from '../helpers/tiny-image-folder';

describe('cli: user errors of the commands for your own classifier', function () {
  this.timeout(300000);
  let dir: string;
  let tiny: TinyImageFolder;
  let model: string;
  let flat: string;
  const at = (...parts: string[]) => path.join(dir, ...parts);
  /** Each case: a command, its arguments, and the message (or a pattern for it) on its one stderr line. */
  let cases: { name: string; command: string; args: string[]; message: string | RegExp }[];
  let outcomes: CommandOutcome[];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-model-commands-'));
    tiny = await writeTinyImageFolder(at('images'));
    model = path.dirname(writeGreyGraphClassifier(at('conv')));
    flat = path.dirname(writeFlatGraphClassifier(at('flat')));
    fs.mkdirSync(at('empty'));
    const explain = (...args: string[]) => [
      '--model',
      model,
      '--input',
      tiny.root,
      '--out',
      at('out'),
      '--on-bad-image',
      'skip',
      ...args,
    ];
    cases = [
      {
        name: 'no images',
        command: 'explain',
        args: ['--model', model, '--input', at('empty'), '--out', at('out')],
        message: `image folder ${at('empty')} is empty`,
      },
      {
        name: 'a missing model',
        command: 'explain',
        args: ['--model', at('none'), '--input', tiny.root, '--out', at('out')],
        message: `model file not found: ${at('none', 'model.json')}`,
      },
      {
        name: 'a class the model lacks',
        command: 'explain',
        args: explain('--classes', 'Dog,Bag'),
        message: "--classes: the model has no class 'Dog'; its classes: Trouser, Bag, Sneaker",
      },
      {
        name: 'Grad-CAM on a model without a spatial feature map',
        command: 'explain',
        args: [...explain('--methods', 'gradient,grad-cam'), '--model', flat],
        message:
          /^--methods grad-cam needs a feature map that cuts the model 'flat': the graph has no node with a spatial output .*; leave grad-cam out$/,
      },
      {
        name: 'the masker without a masker',
        command: 'explain',
        args: explain('--methods', 'masker'),
        message:
          '--methods masker needs --masker <folder>: a masker trained for this model (experiments/paper/train-masker.ts --model)',
      },
      {
        name: 'a corrupt image with --on-bad-image fail',
        command: 'explain',
        args: [...explain(), '--on-bad-image', 'fail'],
        message: new RegExp(`^${tiny.corrupt}: .+$`),
      },
      {
        name: 'evaluate --model without images',
        command: 'evaluate',
        args: ['--model', model],
        message:
          '--model needs --data: the images to evaluate it on (a folder, an image or a glob pattern)',
      },
      {
        name: 'evaluate --data without a model',
        command: 'evaluate',
        args: ['--data', tiny.root],
        message: '--data applies only with --model',
      },
      {
        name: "evaluate --model with the kit's black boxes",
        command: 'evaluate',
        args: ['--model', model, '--data', tiny.root, '--black-boxes', 'plain'],
        message: "--black-boxes applies to the kit's black boxes, not to --model",
      },
      {
        name: 'train-masker on an encoder that is not there',
        command: 'train-masker',
        args: ['--model', model, '--data', tiny.root, '--encoder', at('none')],
        message:
          /^--encoder must be own \(.*\) \| residual \(.*\) \| a feature model \(.*\), got '.*none': no .*none\/model\.json$/,
      },
      {
        name: 'train-masker on the own layers of a model without feature maps',
        command: 'train-masker',
        args: [
          '--model',
          flat,
          '--data',
          tiny.root,
          '--on-bad-image',
          'skip',
          '--out',
          at('maskers'),
        ],
        message: /^--encoder own for model 'flat': .+$/,
      },
      {
        name: 'masker-speed --model without a masker',
        command: 'masker-speed',
        args: ['--model', model, '--data', tiny.root],
        message:
          '--model needs --masker (a masker trained for it) and --data (the images to time it on)',
      },
      {
        name: 'select-masker choosing on its training images',
        command: 'select-masker',
        args: ['--model', model, '--data', tiny.root, '--tune-data', tiny.root],
        message: `--tune-data must hold other images than --data, got '${tiny.root}' for both`,
      },
    ];
    outcomes = await runCommands(cases, 3);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('each mistake exits with code 2 and one error line naming it', () => {
    cases.forEach((c, i) => {
      const { status, stderr } = outcomes[i];
      const errors = stderr.split('\n').filter((line) => line.startsWith('error: '));
      expect(status, `${c.name}: exit code (stderr: ${stderr})`).to.equal(2);
      expect(errors, `${c.name}: error lines`).to.have.length(1);
      const message = errors[0].slice('error: '.length);
      if (typeof c.message === 'string') expect(message, c.name).to.equal(c.message);
      else expect(message, c.name).to.match(c.message);
      expect(stderr, `${c.name}: no stack`).to.not.match(/\n\s+at /);
    });
  });

  it('a mistake found before any image is read is the only line on stderr', () => {
    cases.forEach((c, i) => {
      if (c.name !== 'a corrupt image with --on-bad-image fail')
        expect(outcomes[i].stderr, c.name).to.match(/^error: [^\n]*\n$/);
    });
  });
});
