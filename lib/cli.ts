/** Small parsers shared by the command-line entry points in experiments/. */

/** Parses a flag's value as a non-negative integer; throws naming the flag otherwise. */
export function parseCount(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a non-negative integer, got '${value}'`);
  return n;
}

/** Checks that a flag's value is one of `allowed`; throws naming the flag and the choices otherwise. */
export function parseChoice<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`${flag} must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

/** Parses a comma-separated list of numbers; throws naming the flag when an entry is not a finite number. */
export function parseNumberList(value: string, flag: string): number[] {
  const list = value.split(',').map((s) => Number(s.trim()));
  if (list.some((v) => !Number.isFinite(v))) throw new Error(`${flag} must be a comma-separated list of numbers, got '${value}'`);
  return list;
}

/**
 * Runs a command's `main` and turns a failure into one line on stderr (the
 * error's message, which names the problem) and exit code 1;
 * `SALIENCY_DEBUG=1` prints the stack too.
 */
export function runMain(main: () => unknown): void {
  Promise.resolve()
    .then(main)
    .catch((err: unknown) => {
      console.error(process.env.SALIENCY_DEBUG === '1' && err instanceof Error ? err.stack : err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
