/**
 * The labels CSV of a flat image folder: a header line naming the columns
 * `file` and `label` (any order, case ignored, other columns ignored), then
 * one image per line, its path relative to the image folder and its class as
 * a class index or a class name:
 * ```
 * file,label
 * beach.jpg,3
 * "dog, sitting.png",Dog
 * ```
 * Fields may be quoted with `"` (a quote inside written `""`); blank lines are
 * skipped; a leading byte-order mark is ignored.
 */
import { UserError } from '../core/user-error';

/** The conventional file name of the labels CSV inside an image folder. */
export const LABELS_CSV_NAME = 'labels.csv';

/** One image line of a labels CSV. */
export interface LabelsCsvRow {
  /** The image path as written (relative to the image folder, or absolute). */
  file: string;
  /** The class as written: a class index or a class name. */
  label: string;
  /** 1-based line number in the CSV, for messages. */
  line: number;
}

/**
 * Splits one CSV line into fields.
 * @returns the fields, or `null` when a quoted field is not closed on the line.
 */
export function splitCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (ch === ',') {
      fields.push(field.trim());
      field = '';
    } else {
      field += ch;
    }
  }
  if (quoted) return null;
  fields.push(field.trim());
  return fields;
}

/**
 * Parses a labels CSV.
 * @param csv the file's path, for messages.
 * @throws a {@link UserError} naming the CSV and the line: no header, a header
 *   without `file` and `label`, an unclosed quote, a missing or empty field,
 *   or no image line at all.
 */
export function parseLabelsCsv(text: string, csv: string): LabelsCsvRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const parsed = lines.map((raw, i) => ({
    raw,
    line: i + 1,
    fields: raw.trim() === '' ? [] : splitCsvLine(raw),
  }));
  const bad = parsed.find((p) => p.fields === null);
  if (bad) throw new UserError(`${csv} line ${bad.line}: unclosed quote in '${bad.raw}'`);
  const content = parsed.filter((p) => (p.fields as string[]).length > 0);
  if (content.length === 0)
    throw new UserError(
      `${csv}: empty; expected a header line 'file,label' and one line per image`,
    );
  const header = (content[0].fields as string[]).map((h) => h.toLowerCase());
  const [fileColumn, labelColumn] = [header.indexOf('file'), header.indexOf('label')];
  if (fileColumn < 0 || labelColumn < 0) {
    throw new UserError(
      `${csv} line ${content[0].line}: the header must name the columns 'file' and 'label', got '${content[0].raw.trim()}'`,
    );
  }
  const rows = content.slice(1).map(({ fields, line, raw }) => {
    const [file, label] = [
      (fields as string[])[fileColumn] ?? '',
      (fields as string[])[labelColumn] ?? '',
    ];
    if (file === '' || label === '') {
      throw new UserError(`${csv} line ${line}: expected a file and a label, got '${raw.trim()}'`);
    }
    return { file, label, line };
  });
  if (rows.length === 0) throw new UserError(`${csv}: no image lines after the header`);
  return rows;
}
