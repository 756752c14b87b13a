/**
 * Class names for a user's model: from a labels file (one name per line, a
 * JSON array of names, or a JSON object from class index to name), or from
 * the labels list a model.json may carry in its `userDefinedMetadata`.
 */
import * as fs from 'fs';
import { UserError } from '../core/user-error';

/** The `userDefinedMetadata` keys read as a labels list, in this order. */
export const METADATA_LABEL_KEYS: readonly string[] = ['labels', 'classNames', 'class_names'];

/**
 * Names from a JSON value: an array of strings, or an object whose keys are
 * the indices 0..K−1 (each once) and whose values are strings.
 * @param where names the source in messages (a file, or `userDefinedMetadata.labels`).
 * @throws a {@link UserError} naming `where` and the offending entry.
 */
export function labelsFromJson(value: unknown, where: string): string[] {
  if (Array.isArray(value)) {
    const bad = value.findIndex((v) => typeof v !== 'string');
    if (bad >= 0)
      throw new UserError(
        `${where}: label ${bad} must be a string, got ${JSON.stringify(value[bad])}`,
      );
    return value as string[];
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    const names: string[] = new Array(entries.length);
    for (const [key, name] of entries) {
      const index = Number(key);
      if (!(Number.isInteger(index) && String(index) === key && index < entries.length)) {
        throw new UserError(
          `${where}: keys must be the class indices 0..${entries.length - 1}, got '${key}'`,
        );
      }
      if (typeof name !== 'string')
        throw new UserError(
          `${where}: label of class ${key} must be a string, got ${JSON.stringify(name)}`,
        );
      names[index] = name;
    }
    return names;
  }
  throw new UserError(
    `${where}: labels must be a JSON array of names or an object from class index to name, got ${JSON.stringify(value)}`,
  );
}

/**
 * Reads a labels file: JSON (an array, or an object from index to name) when
 * its text starts with `[` or `{`, else one name per line (surrounding blank
 * lines ignored; a blank line between names is an error).
 * @throws a {@link UserError} naming the file when it is missing, empty or malformed.
 */
export function readLabelsFile(file: string): string[] {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile())
    throw new UserError(`labels file not found: ${file}`);
  const text = fs
    .readFileSync(file, 'utf8')
    .replace(/^\uFEFF/, '')
    .trim();
  if (text === '') throw new UserError(`labels file ${file} is empty`);
  if (text.startsWith('[') || text.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new UserError(`labels file ${file} is not valid JSON: ${(err as Error).message}`);
    }
    return labelsFromJson(value, `labels file ${file}`);
  }
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const blank = lines.indexOf('');
  if (blank >= 0)
    throw new UserError(
      `labels file ${file}: line ${blank + 1} is blank; give one class name per line`,
    );
  return lines;
}

/** The labels list of a model's `userDefinedMetadata` ({@link METADATA_LABEL_KEYS}); undefined when it holds none. */
export function labelsFromMetadata(metadata: unknown): string[] | undefined {
  if (metadata === null || typeof metadata !== 'object') return undefined;
  const key = METADATA_LABEL_KEYS.find((k) => k in metadata);
  return key === undefined
    ? undefined
    : labelsFromJson(
        (metadata as Record<string, unknown>)[key],
        `model.json userDefinedMetadata.${key}`,
      );
}
