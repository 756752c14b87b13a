/**
 * Child process of the kill-and-resume test of black-box training
 * (train-black-box-resume.test.ts): trains the plain net on a tiny
 * configuration (3 epochs of 4 steps, background erasing and crop-resize on),
 * checkpointing every 5 steps into <checkpoints>, resuming from there when it
 * holds a checkpoint, and writes the final weights (weights.bin, model.json)
 * and record (record.json: epochs, resumedFrom) into <out>.
 *
 *     node -r ts-node/register/transpile-only test/classifiers/black-box-training-child.ts <checkpoints> <out> [--hang-at <step>]
 *
 * `--hang-at k` blocks the process after step k until it is killed, so that
 * the test's SIGKILL lands at a known step between checkpoints.
 */
import * as fs from 'fs';
import * as path from 'path';
import { initEngine } from '../../lib/engine/backend';
import { fileSystemHandler } from '../../lib/io/file-io-handler';
import { fitBlackBox, TrainBlackBoxConfig } from '../../lib/classifiers/train-black-box';
import { blockFor } from '../helpers/training-process';

/** 12 steps of 4 images, a checkpoint after steps 4 (epoch end), 5, 8 (epoch end), 10 and 12 (end). */
export const TINY_BLACK_BOX_TRAINING: Pick<TrainBlackBoxConfig, 'arch'> &
  Partial<TrainBlackBoxConfig> = {
  arch: 'plain',
  epochs: 3,
  batchSize: 4,
  trainSize: 16,
  validationSize: 8,
  validationEval: 8,
};
export const CHECKPOINT_STEPS = 5;

async function main(): Promise<void> {
  const [checkpoints, out, flag, value] = process.argv.slice(2);
  const hangAt = flag === '--hang-at' ? Number(value) : undefined;
  await initEngine();
  let step = 0;
  const result = await fitBlackBox(
    TINY_BLACK_BOX_TRAINING,
    { dir: checkpoints, everySteps: CHECKPOINT_STEPS, everySeconds: 1e9 },
    {
      onResume: (p) => (step = p.globalStep),
      onStep: () => {
        if (++step === hangAt) blockFor(120_000);
      },
    },
  );
  await result.model.save(fileSystemHandler(out));
  fs.writeFileSync(
    path.join(out, 'record.json'),
    JSON.stringify({ epochs: result.epochs, resumedFrom: result.resumedFrom }),
  );
  result.model.dispose();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
