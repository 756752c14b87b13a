/** Small parsers shared by the command-line entry points in experiments/. */

/** Parses a flag's value as a non-negative integer; throws naming the flag otherwise. */
export function parseCount(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a non-negative integer, got '${value}'`);
  return n;
}
