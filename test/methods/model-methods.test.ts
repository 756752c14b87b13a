import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { methodsForModel } from '../../lib/methods/model-methods';
import { Masker } from '../../lib/masker/masker';
import { LoadedTfjsModel, loadTfjsModel } from '../../lib/classifiers/load-tfjs-model';
import { isWhiteBox } from '../../lib/classifiers/white-box';
import { UserError } from '../../lib/core/user-error';
import {
  writeFlatGraphClassifier,
  writeGreyGraphClassifier,
} from '../helpers/grey-graph-classifier';
import { tinyEncoder } from '../helpers/tiny-encoder';

/** Rejects with a {@link UserError} whose message is `message`. */
async function expectUserError(p: Promise<unknown>, message: string): Promise<void> {
  let err: Error | undefined;
  await p.catch((e: Error) => (err = e));
  expect(err).to.be.instanceOf(UserError);
  expect(err?.message).to.equal(message);
}

describe('methods/model-methods', () => {
  let dir: string;
  let conv: LoadedTfjsModel;
  let flat: LoadedTfjsModel;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-methods-'));
    conv = await loadTfjsModel(writeGreyGraphClassifier(path.join(dir, 'conv')));
    flat = await loadTfjsModel(writeFlatGraphClassifier(path.join(dir, 'flat')));
  });
  after(() => {
    conv.dispose();
    flat.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs the fast methods by default, Grad-CAM on the model opened as a white box', async () => {
    const { methods, notes } = await methodsForModel(conv);
    expect(methods.map((m) => m.name)).to.deep.equal(['gradient', 'grad-cam', 'occlusion']);
    expect(isWhiteBox(methods[1].blackBox)).to.equal(true);
    expect(methods[0].blackBox).to.equal(conv.blackBox);
    expect(notes).to.deep.equal([]);
  });

  it('leaves a default method the model cannot serve out with a note, and fails when it is asked for by name', async () => {
    const { methods, notes } = await methodsForModel(flat);
    expect(methods.map((m) => m.name)).to.deep.equal(['gradient', 'occlusion']);
    expect(notes).to.have.length(1);
    expect(notes[0]).to.match(
      /^leaving out grad-cam needs a feature map that cuts the model 'flat': the graph has no node with a spatial output/,
    );
    let err: Error | undefined;
    await methodsForModel(flat, { requested: ['grad-cam'] }).catch((e: Error) => (err = e));
    expect(err).to.be.instanceOf(UserError);
    expect(err?.message).to.match(
      /^--methods grad-cam needs a feature map that cuts the model 'flat': .*; leave grad-cam out$/,
    );
  });

  it("needs a masker for the masker method, of the model's class count", async () => {
    await expectUserError(
      methodsForModel(conv, { requested: ['masker'] }),
      '--methods masker needs --masker <folder>: a masker trained for this model (experiments/paper/train-masker.ts --model)',
    );
    const all = await methodsForModel(conv, {
      requested: ['gradient', 'masker'],
      dropUnavailable: true,
    });
    expect(all.methods.map((m) => m.name)).to.deep.equal(['gradient']);
    expect(all.notes).to.deep.equal([
      'leaving out masker needs --masker <folder>: a masker trained for this model (experiments/paper/train-masker.ts --model)',
    ]);
    const encoder = tinyEncoder();
    const masker = Masker.create(encoder, {
      numClasses: 5,
      firstUpsamplerChannels: 4,
      residualBlocks: 1,
    });
    try {
      await expectUserError(
        methodsForModel(conv, { masker }),
        "--masker: the masker was trained for 5 classes, the model 'conv' has 3",
      );
    } finally {
      masker.dispose();
      encoder.dispose();
    }
  });

  it('passes each method its options', async () => {
    const { methods } = await methodsForModel(conv, {
      requested: ['occlusion', 'gradient'],
      methodOptions: { occlusion: { patchSize: 4 } },
    });
    expect(methods.map((m) => m.options)).to.deep.equal([{ occlusion: { patchSize: 4 } }, {}]);
  });
});
