import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Masker } from '../../lib/masker/masker';
import { ScheduledAdam } from '../../lib/classifiers/scheduled-adam';
import { loadMaskerCheckpoint } from '../../lib/masker/masker-checkpoint';
import {
  DEFAULT_TRAIN_MASKER_CONFIG,
  trainingConfigKey,
  trainMasker,
  TrainMaskerConfig,
} from '../../lib/masker/train-masker';
import { damagedCopy, expectCorrupt, truncate } from '../helpers/corrupt-checkpoint';
import { FIXED_DATA_CLASSES, FIXED_DATA_SIZE, fixedMaskerData } from '../helpers/fixed-masker-data';
import { tinyBlackBox } from '../helpers/tiny-black-box';
import { tinyEncoder } from '../helpers/tiny-encoder';

const CONFIG: Partial<TrainMaskerConfig> = {
  steps: 1,
  batchSize: 2,
  masker: { firstUpsamplerChannels: 4, residualBlocks: 1 },
};

describe('masker/masker-checkpoint: corrupt files', () => {
  const encoder = tinyEncoder();
  const blackBox = tinyBlackBox(FIXED_DATA_SIZE, FIXED_DATA_SIZE, 3, FIXED_DATA_CLASSES, 3);
  const data = fixedMaskerData();
  const key = trainingConfigKey(blackBox.name, { ...DEFAULT_TRAIN_MASKER_CONFIG, ...CONFIG });
  let tmp = '';
  let source = '';
  const load = (dir: string) => async () => {
    const masker = Masker.create(encoder, { ...CONFIG.masker, numClasses: FIXED_DATA_CLASSES });
    const optimizer = new ScheduledAdam(0.01);
    try {
      await loadMaskerCheckpoint(dir, masker, optimizer, key);
    } finally {
      masker.dispose();
      optimizer.dispose();
    }
  };
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'masker-ckpt-corrupt-'));
    source = path.join(tmp, 'ckpt');
    (
      await trainMasker(blackBox, encoder, CONFIG, { data, checkpoint: { dir: source } })
    ).masker.dispose();
  });
  after(() => {
    encoder.dispose();
    blackBox.dispose();
    data.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('a truncated or malformed state.json', async () => {
    let file = '';
    let dir = damagedCopy(source, 'truncated-state', (_, latest) =>
      truncate((file = path.join(latest, 'state.json')), 30),
    );
    await expectCorrupt(load(dir), file, /state\.json is not valid JSON/, dir);
    dir = damagedCopy(source, 'malformed-state', (_, latest) => {
      file = path.join(latest, 'state.json');
      const { optimizerSpecs, ...rest } = JSON.parse(fs.readFileSync(file, 'utf8'));
      fs.writeFileSync(
        file,
        JSON.stringify({
          ...rest,
          optimizerSpecs: optimizerSpecs.map((s: object) => ({ ...s, dtype: 'complex64' })),
        }),
      );
    });
    await expectCorrupt(
      load(dir),
      file,
      /field "optimizerSpecs" is .*expected a list of tensor specs/,
      dir,
    );
  });

  it('a truncated or missing optimizer.bin, checked against the specs before decoding', async () => {
    let file = '';
    let dir = damagedCopy(source, 'truncated-optimizer', (_, latest) =>
      truncate((file = path.join(latest, 'optimizer.bin')), 10),
    );
    await expectCorrupt(
      load(dir),
      file,
      /optimizer\.bin holds 10 bytes, its specs in state\.json describe \d+/,
      dir,
    );
    dir = damagedCopy(source, 'no-optimizer', (_, latest) =>
      fs.rmSync((file = path.join(latest, 'optimizer.bin'))),
    );
    await expectCorrupt(load(dir), file, /optimizer\.bin is missing/, dir);
  });

  it('masker weights of the wrong size, and a malformed masker manifest', async () => {
    let file = '';
    let dir = damagedCopy(source, 'odd-weights', (_, latest) =>
      truncate((file = path.join(latest, 'masker.weights.bin')), 1001),
    );
    await expectCorrupt(
      load(dir),
      file,
      /masker\.weights\.bin holds 1001 bytes, masker\.json describes \d+ float32 values/,
      dir,
    );
    dir = damagedCopy(source, 'long-weights', (_, latest) =>
      fs.appendFileSync((file = path.join(latest, 'masker.weights.bin')), Buffer.alloc(8)),
    );
    await expectCorrupt(load(dir), file, /masker\.weights\.bin holds \d+ bytes/, dir);
    dir = damagedCopy(source, 'truncated-manifest', (_, latest) =>
      truncate((file = path.join(latest, 'masker.json')), 50),
    );
    await expectCorrupt(load(dir), file, /masker\.json cannot be read as a masker manifest/, dir);
  });

  it('a latest.json that is malformed or names a missing folder', async () => {
    let file = '';
    let dir = damagedCopy(source, 'bad-latest', (d) =>
      fs.writeFileSync((file = path.join(d, 'latest.json')), '{"name": "../elsewhere"}'),
    );
    await expectCorrupt(load(dir), file, /latest\.json does not name a checkpoint folder/, dir);
    dir = damagedCopy(source, 'dangling-latest', (d, latest) => {
      file = path.join(d, 'latest.json');
      fs.rmSync(latest, { recursive: true });
    });
    await expectCorrupt(
      load(dir),
      file,
      /latest\.json names ckpt-0000001, but there is no folder/,
      dir,
    );
  });
});
