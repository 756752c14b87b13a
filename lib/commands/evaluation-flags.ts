/**
 * The two flag formats of experiments/paper/evaluate.ts that are more than a
 * number or a list: `--limit method=n,…` (per-method caps on the image
 * counts) and `--method-options` (a JSON object of options per method).
 * Each parser throws a UserError naming the flag, the value and what is expected.
 */
import { parseChoice, parsePositiveInteger } from './cli';
import { saliencyMethodNames } from '../methods/registry';
import { UserError } from '../core/user-error';
import type { EvaluationConfig } from '../evaluation/config';
import { evaluatedMethodNames, MethodOptions } from '../methods/registry';

/** `--limit`: comma-separated `method=n` with n >= 1, each method once; an empty value caps nothing. */
export function parseImageLimits(value: string): EvaluationConfig['imageLimits'] {
  if (value.trim() === '') return {};
  const entries = value.split(',').map((entry) => {
    const match = /^([^=]*)=(.*)$/.exec(entry.trim());
    if (!match)
      throw new UserError(
        `--limit must be a comma-separated list of method=n, got '${value}' ('${entry}' has no '=')`,
      );
    const method = parseChoice(match[1].trim(), evaluatedMethodNames(), '--limit method');
    return [method, parsePositiveInteger(match[2], `--limit ${method}`)] as const;
  });
  const repeated = entries.find(([m], i) => entries.findIndex(([other]) => other === m) !== i);
  if (repeated)
    throw new UserError(
      `--limit must name each method once, got '${repeated[0]}' twice in '${value}'`,
    );
  return Object.fromEntries(entries);
}

const isObject = (v: unknown): v is object =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** `--method-options`: a JSON object whose keys are saliency method names and whose values are objects. */
export function parseMethodOptions(value: string): MethodOptions {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw new UserError(
      `--method-options must be JSON such as '{"iterative-mask":{"iterations":100}}', got '${value}' (${(err as Error).message})`,
    );
  }
  if (!isObject(parsed))
    throw new UserError(
      `--method-options must be a JSON object keyed by method name, got '${value}'`,
    );
  for (const [method, options] of Object.entries(parsed)) {
    parseChoice(method, saliencyMethodNames(), '--method-options key');
    if (!isObject(options))
      throw new UserError(
        `--method-options must give each method a JSON object of options, got ${JSON.stringify(options)} for '${method}'`,
      );
  }
  return parsed as MethodOptions;
}
