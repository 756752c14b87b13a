import { expect } from 'chai';
import { notebookSetup } from '../../lib/plot/notebook-setup';

describe('plot/notebook-setup', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env.SALIENCY_NOTEBOOK_FAST = saved.SALIENCY_NOTEBOOK_FAST;
    process.env.SALIENCY_NOTEBOOK_BLACK_BOX = saved.SALIENCY_NOTEBOOK_BLACK_BOX;
    if (saved.SALIENCY_NOTEBOOK_FAST === undefined) delete process.env.SALIENCY_NOTEBOOK_FAST;
    if (saved.SALIENCY_NOTEBOOK_BLACK_BOX === undefined)
      delete process.env.SALIENCY_NOTEBOOK_BLACK_BOX;
  });

  it('reads the fast flag and the black box from the environment, the default otherwise', async () => {
    process.env.SALIENCY_NOTEBOOK_FAST = '1';
    delete process.env.SALIENCY_NOTEBOOK_BLACK_BOX;
    const fast = await notebookSetup('residual');
    expect([fast.fast, fast.blackBox]).to.deep.equal([true, 'residual']);
    expect(fast.engine.engine).to.be.a('string');
    process.env.SALIENCY_NOTEBOOK_FAST = '0';
    process.env.SALIENCY_NOTEBOOK_BLACK_BOX = 'inception';
    const full = await notebookSetup('residual');
    expect([full.fast, full.blackBox]).to.deep.equal([false, 'inception']);
  });
});
