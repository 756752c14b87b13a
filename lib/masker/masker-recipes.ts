/**
 * The committed maskers of the kit's black boxes come in two training
 * recipes (docs/reproduction.md): the paper's, whose alternative image is a
 * random mix of blur and colour + noise (`results/maskers/<black box>/`), and
 * the constant alternative image A = 0, which localises best of every method
 * on every net (`results/maskers/variants/constant-a/<black box>/`). Both
 * were chosen among three seeds on held-out tuning images, with the salient
 * region's threshold α tuned there too. Paths are relative to `results/`;
 * this module reads no files, so the web page can use it.
 */
export const MASKER_RECIPES = {
  paper: {
    folder: 'maskers/',
    label: "the paper's recipe (random alternative image)",
    /** The file that records the tuned α (read by {@link recordedAlpha}). */
    alphaFile: (blackBox: string) => `evaluation/masker__${blackBox}.json`,
  },
  'constant-a': {
    folder: 'maskers/variants/constant-a/',
    label: 'A = 0 (localises best)',
    alphaFile: (blackBox: string) => `maskers/variants/constant-a/selection-${blackBox}.json`,
  },
} as const;
export type MaskerRecipe = keyof typeof MASKER_RECIPES;

export function isMaskerRecipe(value: string): value is MaskerRecipe {
  return Object.hasOwn(MASKER_RECIPES, value);
}

/** The folder of a committed masker, relative to `results/`. */
export function committedMaskerFolder(recipe: MaskerRecipe, blackBox: string): string {
  return `${MASKER_RECIPES[recipe].folder}${blackBox}/`;
}

/**
 * The tuned α recorded in a recipe's α file (its parsed JSON): an evaluation's
 * `scores.localisation.alpha`, or a seed selection's chosen candidate's
 * `tuning.alpha`. Undefined when the file records none.
 */
export function recordedAlpha(json: unknown): number | undefined {
  const record = json as {
    scores?: { localisation?: { alpha?: unknown } };
    chosenSeed?: unknown;
    candidates?: { seed?: unknown; tuning?: { alpha?: unknown } }[];
  };
  const alpha =
    record?.scores?.localisation?.alpha ??
    record?.candidates?.find((c) => c.seed === record.chosenSeed)?.tuning?.alpha;
  return typeof alpha === 'number' && alpha >= 0 ? alpha : undefined;
}
