/**
 * Class names as a user's data spells them (class folder names, the labels
 * of a labels CSV, the `<name>` of a VOC object) turned into the model's
 * class indices, from one of three sources:
 *
 * - the model's own class names ({@link modelClassLabels}): a name matches
 *   exactly, or after ignoring case and punctuation (a folder cannot be named
 *   `T-shirt/top`, but `t-shirt_top` matches it), or as a class index;
 * - a class map `{ "n01440764": 0, … }` ({@link readClassMap}), ImageNet's
 *   WordNet ids for instance: exact keys only;
 * - nothing ({@link inferredClassLabels}): names that are all class indices
 *   are taken as such, other names get 0..n-1 in sorted order, with a
 *   warning, since nothing says they are the model's classes in its order.
 */
import * as fs from 'fs';
import { UserError } from '../core/user-error';

/** The class index of every name a data set may use. */
export interface ClassLabels {
  /** Class names in index order (`names[label]`), for display. */
  readonly names: readonly string[];
  /** Where the names come from, for messages (e.g. `the model's 10 class names`). */
  readonly source: string;
  /** The index of a class name or id; undefined when unknown. */
  labelOf(name: string): number | undefined;
}

/** A non-negative integer written in decimal digits only. */
function asClassIndex(name: string): number | undefined {
  return /^\d+$/.test(name) ? Number(name) : undefined;
}

/** Lower case with every run of characters other than letters and digits folded to one `_`, trimmed. */
export function normaliseClassName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}

/** A short list of names for messages: the first few, then how many more. */
export function describeNames(names: readonly string[], shown = 6): string {
  const head = names
    .slice(0, shown)
    .map((n) => `'${n}'`)
    .join(', ');
  return names.length > shown ? `${head}, … (${names.length} in all)` : head;
}

/**
 * Labels from the model's class names: exact name, else the name ignoring
 * case and punctuation (when that matches one class only), else a class index.
 * @throws when `classNames` is empty or repeats a name.
 */
export function modelClassLabels(classNames: readonly string[]): ClassLabels {
  if (classNames.length === 0) throw new Error('modelClassLabels: classNames is empty');
  const exact = new Map<string, number>();
  const loose = new Map<string, number | null>();
  classNames.forEach((name, label) => {
    if (exact.has(name))
      throw new Error(
        `modelClassLabels: class name '${name}' appears twice (labels ${exact.get(name)} and ${label})`,
      );
    exact.set(name, label);
    const key = normaliseClassName(name);
    loose.set(key, loose.has(key) ? null : label);
  });
  return {
    names: classNames,
    source: `the model's ${classNames.length} class names (${describeNames(classNames)})`,
    labelOf(name) {
      const index = asClassIndex(name);
      return (
        exact.get(name) ??
        loose.get(normaliseClassName(name)) ??
        (index !== undefined && index < classNames.length ? index : undefined)
      );
    },
  };
}

/**
 * Reads and checks a class map: labels exactly 0..n-1, each used once, and,
 * when `numClasses` is given, n = numClasses.
 * @param classMap an object `{ classId: label }` or the path of a JSON file holding one.
 * @throws a {@link UserError} naming the file (or "class map") and the problem.
 */
export function readClassMap(
  classMap: string | Readonly<Record<string, number>>,
  numClasses?: number,
): ClassLabels {
  const where = typeof classMap === 'string' ? `class map ${classMap}` : 'class map';
  let object: unknown = classMap;
  if (typeof classMap === 'string') {
    try {
      object = JSON.parse(fs.readFileSync(classMap, 'utf8'));
    } catch (e) {
      throw new UserError(`${where}: cannot read it as JSON (${(e as Error).message})`);
    }
  }
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    throw new UserError(`${where}: expected an object { "classId": label, ... }`);
  }
  const map = new Map<string, number>();
  const names: string[] = [];
  for (const [id, label] of Object.entries(object)) {
    if (!Number.isInteger(label) || (label as number) < 0) {
      throw new UserError(
        `${where}: class '${id}' has label ${JSON.stringify(label)}, expected a non-negative integer`,
      );
    }
    const clash = names[label as number];
    if (clash !== undefined)
      throw new UserError(`${where}: classes '${clash}' and '${id}' share label ${label}`);
    names[label as number] = id;
    map.set(id, label as number);
  }
  if (numClasses !== undefined && map.size !== numClasses) {
    throw new UserError(`${where} has ${map.size} classes but the model has ${numClasses}`);
  }
  for (let k = 0; k < map.size; k++) {
    if (names[k] === undefined)
      throw new UserError(`${where}: labels must be 0..${map.size - 1}, but ${k} is missing`);
  }
  return { names, source: `${where} (${map.size} classes)`, labelOf: (name) => map.get(name) };
}

/**
 * Labels for names nothing maps to the model's classes.
 * @param names the class names the data use (repeats allowed).
 * @param numClasses the model's number of classes, when known.
 * @param what the data, for messages (e.g. `image folder photos/: class folders`).
 * @param warn receives the warning line when labels are assigned in sorted order.
 * @returns names that are all class indices keep their index (an index of
 *   `numClasses` or more stays unknown, for the caller to name where it is written);
 *   otherwise the distinct names, sorted, get 0..n-1.
 * @throws a {@link UserError} when there are more distinct names than `numClasses`.
 */
export function inferredClassLabels(
  names: readonly string[],
  numClasses: number | undefined,
  what: string,
  warn: (line: string) => void,
): ClassLabels {
  const distinct = [...new Set(names)].sort();
  const indices = distinct.map(asClassIndex);
  if (indices.every((i) => i !== undefined)) {
    const count = numClasses ?? Math.max(...(indices as number[])) + 1;
    return {
      names: Array.from({ length: count }, (_, k) => String(k)),
      source: `class indices (0..${count - 1})`,
      labelOf: (name) => {
        const index = asClassIndex(name);
        return index !== undefined && index < count ? index : undefined;
      },
    };
  }
  if (numClasses !== undefined && distinct.length > numClasses) {
    throw new UserError(
      `${what}: ${distinct.length} classes (${describeNames(distinct)}) but the model has ${numClasses}`,
    );
  }
  warn(
    `${what}: no class names or class map given, so the ${distinct.length} classes get labels 0..${distinct.length - 1} in sorted order ` +
      `(${distinct
        .slice(0, 4)
        .map((n, k) => `${n}=${k}`)
        .join(
          ', ',
        )}${distinct.length > 4 ? ', …' : ''}); they must be the model's classes in its own order`,
  );
  const map = new Map(distinct.map((n, k) => [n, k]));
  return {
    names: distinct,
    source: `the ${distinct.length} sorted class names`,
    labelOf: (name) => map.get(name),
  };
}

/** The message for a class name that `classes` does not know (an index out of range says so). */
export function unknownClassMessage(name: string, classes: ClassLabels): string {
  const index = asClassIndex(name);
  if (index !== undefined && index >= classes.names.length) {
    return `class index ${index} is out of range: the model has ${classes.names.length} classes (0..${classes.names.length - 1})`;
  }
  return `class '${name}' is not among ${classes.source}`;
}
