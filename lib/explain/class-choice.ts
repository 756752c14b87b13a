/**
 * Which classes `explain` explains in each image (`--classes`): the model's
 * own top k predictions (`top-3`, the default), classes by name
 * (`Trouser,Bag`), or by index (`0,2`). Names are matched first, so a model
 * whose classes are named by numbers is read by name.
 */
import { parsePositiveInteger } from '../commands/cli';
import { UserError } from '../core/user-error';

/** A parsed `--classes` value. */
export type ClassChoice = { kind: 'top'; k: number } | { kind: 'fixed'; classes: number[] };

/** The default `--classes`. */
export const DEFAULT_CLASS_CHOICE = 'top-3';

/** Class names listed in full in a message; longer lists are cut there. */
const LISTED_NAMES = 30;

/** The model's class names for a message: all of them, or the first {@link LISTED_NAMES} and how many more. */
export function listClassNames(classNames: readonly string[]): string {
  const shown = classNames.slice(0, LISTED_NAMES).join(', ');
  return classNames.length > LISTED_NAMES ? `${shown}, … (${classNames.length} in all)` : shown;
}

/**
 * Parses `--classes` against the model's class names.
 * @param value `top-K` (K ≥ 1, at most the class count), class names, or class indices, comma-separated.
 * @throws a {@link UserError} naming the flag and the value: a K out of range,
 *   an empty or repeated entry, an index out of range, or a name the model
 *   does not have (listing the model's class names).
 */
export function parseClassChoice(
  value: string,
  classNames: readonly string[],
  flag = '--classes',
): ClassChoice {
  const text = value.trim();
  const top = /^top-(.*)$/.exec(text);
  if (top) {
    const k = parsePositiveInteger(top[1], `${flag} top-K`);
    if (k > classNames.length)
      throw new UserError(
        `${flag} top-${k} asks for more classes than the model's ${classNames.length}`,
      );
    return { kind: 'top', k };
  }
  const entries = text.split(',').map((e) => e.trim());
  if (entries.some((e) => e === ''))
    throw new UserError(
      `${flag} must be top-K, class names or class indices, comma-separated with no empty entries, got '${value}'`,
    );
  const repeated = entries.find((e, i) => entries.indexOf(e) !== i);
  if (repeated !== undefined)
    throw new UserError(`${flag} must name each class once, got '${repeated}' twice in '${value}'`);
  if (entries.every((e) => classNames.includes(e)))
    return { kind: 'fixed', classes: entries.map((e) => classNames.indexOf(e)) };
  if (entries.every((e) => /^\d+$/.test(e))) {
    const outside = entries.find((e) => Number(e) >= classNames.length);
    if (outside !== undefined)
      throw new UserError(
        `${flag}: class index ${outside} is out of range: the model has ${classNames.length} classes, 0..${classNames.length - 1}`,
      );
    return { kind: 'fixed', classes: entries.map(Number) };
  }
  const unknown = entries.filter((e) => !classNames.includes(e));
  throw new UserError(
    `${flag}: the model has no class ${unknown.map((u) => `'${u}'`).join(', ')}; its classes: ${listClassNames(classNames)}`,
  );
}

/**
 * The classes to explain in one image.
 * @param probabilities the model's class probabilities for the image.
 * @returns the fixed classes, or the K most probable (most probable first; ties to the lower index).
 */
export function chooseClasses(choice: ClassChoice, probabilities: ArrayLike<number>): number[] {
  if (choice.kind === 'fixed') return [...choice.classes];
  const order = Array.from({ length: probabilities.length }, (_, c) => c).sort(
    (a, b) => probabilities[b] - probabilities[a] || a - b,
  );
  return order.slice(0, choice.k);
}
