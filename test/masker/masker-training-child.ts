/**
 * Child process of the kill-and-resume test of masker training
 * (train-masker-resume.test.ts): trains a small masker on the tiny encoder
 * and black box of test/helpers for 12 steps (fake classes and random-mix
 * alternatives on, so every random stream is used), a loss-curve point every
 * 4 steps and a checkpoint every 5 into <checkpoints>, resuming from there
 * when it holds a checkpoint, and writes the final masker (Masker.save) and
 * record (record.json: curve, resumedFrom) into <out>.
 *
 *     node -r ts-node/register/transpile-only test/masker/masker-training-child.ts <checkpoints> <out> [--hang-at <step>]
 *
 * `--hang-at k` blocks the process after step k until it is killed, so that
 * the test's SIGKILL lands at a known step between checkpoints.
 */
import * as fs from 'fs';
import * as path from 'path';
import { initEngine } from '../../lib/engine/backend';
import { trainMasker } from '../../lib/masker/train-masker';
import { FIXED_DATA_CLASSES, FIXED_DATA_SIZE, fixedMaskerData } from '../helpers/fixed-masker-data';
import { tinyBlackBox } from '../helpers/tiny-black-box';
import { tinyEncoder } from '../helpers/tiny-encoder';
import { blockFor } from '../helpers/training-process';

async function main(): Promise<void> {
  const [checkpoints, out, flag, value] = process.argv.slice(2);
  const hangAt = flag === '--hang-at' ? Number(value) : undefined;
  await initEngine();
  const result = await trainMasker(
    tinyBlackBox(FIXED_DATA_SIZE, FIXED_DATA_SIZE, 3, FIXED_DATA_CLASSES, 3),
    tinyEncoder(),
    {
      steps: 12,
      batchSize: 4,
      learningRate: 1e-2,
      alternative: 'random-mix',
      fakeClassProbability: 0.5,
      areaWarmupSteps: 6,
      masker: { firstUpsamplerChannels: 8, residualBlocks: 1 },
    },
    {
      data: fixedMaskerData(),
      curveEvery: 4,
      checkpoint: { dir: checkpoints, everySteps: 5, everySeconds: 1e9 },
      onStep: (s) => {
        if (s.step === hangAt) blockFor(120_000);
      },
    },
  );
  await result.masker.save(out);
  fs.writeFileSync(
    path.join(out, 'record.json'),
    JSON.stringify({ curve: result.curve, resumedFrom: result.resumedFrom }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
