/**
 * The README's first example, run as a user runs it: the code block under
 * "Explain your own classifier", with the package name pointed at this
 * repository and 'my-model/model.json' at a small saved model of our own.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { saveToTemp, tinyModel } from './classifiers/tiny-saved-model';

const ROOT = path.resolve(__dirname, '..');

describe('README example', () => {
  it('explains a saved model with the public API and leaks no tensors', async () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Explain your own classifier'));
    const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code, 'a ```ts block under "Explain your own classifier"').to.be.a('string');
    const model = tinyModel('softmax');
    const dir = await saveToTemp(model);
    model.dispose();
    const lines = (code as string)
      .replace(
        "from 'realtime-saliency-kit'",
        `from ${JSON.stringify(path.join(ROOT, 'lib', 'index'))}`,
      )
      .replace("'my-model/model.json'", JSON.stringify(path.join(dir, 'model.json')))
      .split('\n');
    const imports = lines.filter((l) => l.startsWith('import '));
    const body = lines.filter((l) => !l.startsWith('import '));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'readme-')), 'example.ts');
    fs.writeFileSync(
      file,
      [...imports, 'export const run = async () => {', ...body, 'return loaded;', '};'].join('\n'),
    );
    try {
      const before = tf.memory().numTensors;
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the example, written above
      const loaded = await (require(file) as { run: () => Promise<{ dispose(): void }> }).run();
      loaded.dispose();
      expect(tf.memory().numTensors).to.equal(before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});
