/** The committed maskers by recipe: their folders and the α each records. */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { RESULTS_DIR } from '../../lib/io/results';
import {
  committedMaskerFolder,
  isMaskerRecipe,
  MASKER_RECIPES,
  MaskerRecipe,
  recordedAlpha,
} from '../../lib/masker/masker-recipes';

describe('masker/masker-recipes', () => {
  const recipes = Object.keys(MASKER_RECIPES) as MaskerRecipe[];

  it('every recipe has a committed masker and a tuned α for every kit black box', () => {
    for (const recipe of recipes)
      for (const blackBox of ['plain', 'inception', 'residual']) {
        const dir = path.join(RESULTS_DIR, committedMaskerFolder(recipe, blackBox));
        expect(fs.existsSync(path.join(dir, 'masker.json')), dir).to.equal(true);
        const file = path.join(RESULTS_DIR, MASKER_RECIPES[recipe].alphaFile(blackBox));
        const alpha = recordedAlpha(JSON.parse(fs.readFileSync(file, 'utf8')));
        expect(alpha, file).to.be.a('number').and.at.least(0);
      }
  });

  it("reads an evaluation's α and a seed selection's chosen candidate's α, and nothing else", () => {
    expect(recordedAlpha({ scores: { localisation: { alpha: 2.5 } } })).to.equal(2.5);
    const selection = {
      chosenSeed: 1,
      candidates: [
        { seed: 0, tuning: { alpha: 4 } },
        { seed: 1, tuning: { alpha: 3.25 } },
      ],
    };
    expect(recordedAlpha(selection)).to.equal(3.25);
    expect(recordedAlpha({ ...selection, chosenSeed: 7 })).to.equal(undefined);
    expect(recordedAlpha({ scores: { localisation: { alpha: -1 } } })).to.equal(undefined);
    expect(recordedAlpha(null)).to.equal(undefined);
    expect(isMaskerRecipe('constant-a')).to.equal(true);
    expect(isMaskerRecipe('toString')).to.equal(false);
  });
});
