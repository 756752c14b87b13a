/**
 * What the command-line entry points in experiments/ share: their commander
 * program, the strict parsers of flag values (each throws a {@link UserError}
 * naming the flag, the value given and what is expected), and `runMain`,
 * which turns a failure into one `error: …` line and an exit code.
 */
import * as fs from 'fs';
import { Command, CommanderError } from 'commander';
import { isUserError, UserError } from '../core/user-error';

/** Exit code of a command stopped by a user error (a bad flag, a missing or corrupt input). */
export const USER_ERROR_EXIT_CODE = 2;
/** Exit code of a command stopped by any other error. */
export const FAILURE_EXIT_CODE = 1;

/**
 * A commander program with `description`; commander's own usage errors
 * (unknown flag, missing value, extra arguments) reach {@link runMain}
 * instead of exiting on the spot, so they exit with {@link USER_ERROR_EXIT_CODE} too.
 */
export function program(description: string): Command {
  return new Command().description(description).exitOverride();
}

/**
 * The number a plain decimal text spells (`12`, `-0.5`, `.5`, `3e-4`);
 * NaN for anything else, such as an empty text, `0x10`, `Infinity` or a number too large to be finite.
 */
export function decimalNumber(text: string): number {
  const trimmed = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return NaN;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : NaN;
}

/** What a numeric flag accepts: integers written as plain digits, or any decimal number; within optional bounds. */
export interface NumberRule {
  /** Only whole numbers written without a decimal point or exponent. */
  integer?: boolean;
  min?: number;
  max?: number;
  /** `min` itself is excluded. */
  minExclusive?: boolean;
  /** `max` itself is excluded. */
  maxExclusive?: boolean;
}

export const POSITIVE_INTEGER: Readonly<NumberRule> = Object.freeze({ integer: true, min: 1 });
export const NON_NEGATIVE_INTEGER: Readonly<NumberRule> = Object.freeze({ integer: true, min: 0 });
export const POSITIVE_NUMBER: Readonly<NumberRule> = Object.freeze({ min: 0, minExclusive: true });
export const NON_NEGATIVE_NUMBER: Readonly<NumberRule> = Object.freeze({ min: 0 });
/** A share or probability, 0 and 1 included. */
export const FRACTION: Readonly<NumberRule> = Object.freeze({ min: 0, max: 1 });
/** A probability that must leave some chance to the alternative, 1 excluded. */
export const FRACTION_BELOW_ONE: Readonly<NumberRule> = Object.freeze({
  min: 0,
  max: 1,
  maxExclusive: true,
});

/** How a rule reads in a message: `an integer >= 1`, `a number in [0, 1)`, or in the plural `numbers > 0`. */
export function describeRule(rule: NumberRule, plural = false): string {
  const { integer, min, max, minExclusive, maxExclusive } = rule;
  const noun = integer ? 'integer' : 'number';
  if (integer && min === 0 && max === undefined && !minExclusive)
    return plural ? 'non-negative integers' : 'a non-negative integer';
  const subject = plural ? `${noun}s` : `${integer ? 'an' : 'a'} ${noun}`;
  if (min !== undefined && max !== undefined)
    return `${subject} in ${minExclusive ? '(' : '['}${min}, ${max}${maxExclusive ? ')' : ']'}`;
  if (min !== undefined) return `${subject} ${minExclusive ? '>' : '>='} ${min}`;
  if (max !== undefined) return `${subject} ${maxExclusive ? '<' : '<='} ${max}`;
  return subject;
}

/** `text` as a number obeying `rule`; undefined when it does not. */
function numberUnder(text: string, rule: NumberRule): number | undefined {
  if (rule.integer && !/^\s*[+-]?\d+\s*$/.test(text)) return undefined;
  const value = decimalNumber(text);
  if (Number.isNaN(value) || (rule.integer && !Number.isSafeInteger(value))) return undefined;
  const { min, max, minExclusive, maxExclusive } = rule;
  if (min !== undefined && (minExclusive ? value <= min : value < min)) return undefined;
  if (max !== undefined && (maxExclusive ? value >= max : value > max)) return undefined;
  return value;
}

/** Parses a flag's value as one number obeying `rule` (default: any finite decimal number). */
export function parseNumber(value: string, flag: string, rule: NumberRule = {}): number {
  const n = numberUnder(value, rule);
  if (n === undefined) throw new UserError(`${flag} must be ${describeRule(rule)}, got '${value}'`);
  return n;
}

/** Parses a flag's value as an integer >= 1 written as plain digits (image counts, steps, --jobs). */
export function parsePositiveInteger(value: string, flag: string): number {
  return parseNumber(value, flag, POSITIVE_INTEGER);
}

/** Parses a flag's value as an integer >= 0 written as plain digits (seeds, counts that may be 0). */
export function parseNonNegativeInteger(value: string, flag: string): number {
  return parseNumber(value, flag, NON_NEGATIVE_INTEGER);
}

/** The entries of a comma-separated flag value, trimmed; throws when one is empty or repeated. */
function listEntries(value: string, flag: string, expected: string): string[] {
  const entries = value.split(',').map((s) => s.trim());
  if (entries.some((e) => e === ''))
    throw new UserError(`${flag} must be ${expected} with no empty entries, got '${value}'`);
  const repeated = entries.find((e, i) => entries.indexOf(e) !== i);
  if (repeated !== undefined)
    throw new UserError(`${flag} must name each value once, got '${repeated}' twice in '${value}'`);
  return entries;
}

/**
 * Parses exactly `count` comma-separated numbers, each obeying `rule`, repeats
 * allowed (a size `224,224`, per-channel means `0.5,0.5,0.5`).
 */
export function parseNumberTuple(
  value: string,
  flag: string,
  count: number,
  rule: NumberRule = {},
): number[] {
  const entries = value.split(',');
  const numbers = entries.map((e) => numberUnder(e, rule));
  if (entries.length !== count || numbers.some((n) => n === undefined)) {
    throw new UserError(
      `${flag} must be ${count} comma-separated ${describeRule(rule, true)}, got '${value}'`,
    );
  }
  return numbers as number[];
}

/** Parses a comma-separated list of numbers, each obeying `rule`, none empty or repeated. */
export function parseNumberList(value: string, flag: string, rule: NumberRule = {}): number[] {
  const expected = `a comma-separated list of ${describeRule(rule, true)}`;
  const numbers = listEntries(value, flag, expected).map((e) => numberUnder(e, rule));
  if (numbers.some((n) => n === undefined))
    throw new UserError(`${flag} must be ${expected}, got '${value}'`);
  const list = numbers as number[];
  const repeated = list.find((n, i) => list.indexOf(n) !== i);
  if (repeated !== undefined)
    throw new UserError(`${flag} must name each value once, got ${repeated} twice in '${value}'`);
  return list;
}

/** Checks that a flag's value is one of `allowed`. */
export function parseChoice<T extends string>(
  value: string,
  allowed: readonly T[],
  flag: string,
): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new UserError(`${flag} must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

/**
 * Parses a comma-separated list of values from `allowed`, none empty or
 * repeated; with `all`, the word `all` stands for every allowed value.
 */
export function parseChoiceList<T extends string>(
  value: string,
  allowed: readonly T[],
  flag: string,
  all = false,
): T[] {
  if (all && value.trim() === 'all') return [...allowed];
  const expected = `${all ? "'all' or " : ''}a comma-separated list of ${allowed.join(', ')}`;
  const entries = listEntries(value, flag, expected);
  const unknown = entries.find((e) => !(allowed as readonly string[]).includes(e));
  if (unknown !== undefined)
    throw new UserError(
      `${flag} must be ${expected}, got '${value}' ('${unknown}' is none of them)`,
    );
  return entries as T[];
}

/** Why `value` is not an existing entry of the wanted kind; undefined when it is one. */
function pathProblem(value: string, kind: 'file' | 'folder'): string | undefined {
  if (!fs.existsSync(value)) return 'it does not exist';
  return fs.statSync(value).isDirectory() === (kind === 'folder')
    ? undefined
    : `it is not a ${kind}`;
}

/** Checks that a flag names an existing folder; `holding` says what it should hold (`the results files of …`). */
export function parseFolder(value: string, flag: string, holding: string): string {
  const problem = pathProblem(value, 'folder');
  if (problem)
    throw new UserError(`${flag} must be a folder of ${holding}, got '${value}': ${problem}`);
  return value;
}

/** Checks that a flag names an existing file; `what` says which (`an existing Markdown file`). */
export function parseFile(value: string, flag: string, what: string): string {
  const problem = pathProblem(value, 'file');
  if (problem) throw new UserError(`${flag} must be ${what}, got '${value}': ${problem}`);
  return value;
}

/**
 * Checks that a flag names a place a command can write its output to: a
 * `folder` (made when missing) or a `file` (its folder made when missing)
 * that is not something of the other kind already, so a long run does not fail at its end.
 */
export function checkOutputPath(value: string, flag: string, kind: 'file' | 'folder'): void {
  if (fs.existsSync(value) && pathProblem(value, kind)) {
    throw new UserError(
      `${flag} must be a ${kind} to write to (made when missing), got '${value}': it is a ${kind === 'file' ? 'folder' : 'file'}`,
    );
  }
}

/** The flag of a commander option key: `inputSize` → `--input-size`. */
export function flagOf(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Stops a command when a flag that does not apply was given: throws a
 * {@link UserError} `<flag> <why>` for the first of `keys` (option keys) set
 * on the command line of the parsed `command` (defaults do not count).
 */
export function rejectGiven(command: Command, keys: readonly string[], why: string): void {
  const given = keys.find((key) => command.getOptionValueSource(key) === 'cli');
  if (given !== undefined) throw new UserError(`${flagOf(given)} ${why}`);
}

/**
 * Runs a command's `main` and turns a failure into one line on stderr,
 * `error: <message>`, and an exit code: {@link USER_ERROR_EXIT_CODE} for a
 * user error (lib/core/user-error.ts) or a usage error commander reported itself,
 * {@link FAILURE_EXIT_CODE} for anything else. `SALIENCY_DEBUG=1` prints the stack too.
 */
export function runMain(main: () => unknown): void {
  Promise.resolve()
    .then(main)
    .catch((err: unknown) => {
      // Commander has printed its message (or the help, exit code 0) already.
      if (err instanceof CommanderError)
        process.exit(err.exitCode === 0 ? 0 : USER_ERROR_EXIT_CODE);
      const debug = process.env.SALIENCY_DEBUG === '1';
      const user = isUserError(err);
      console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
      if (debug && err instanceof Error && err.stack) console.error(err.stack);
      else if (!user) console.error('(SALIENCY_DEBUG=1 prints the stack)');
      process.exit(user ? USER_ERROR_EXIT_CODE : FAILURE_EXIT_CODE);
    });
}
