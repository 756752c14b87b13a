/**
 * Errors the person running a command can fix: a bad flag value, an input
 * file or folder that is missing, unreadable or corrupt. A command prints
 * such an error as one line, `error: <message>`, and exits with code 2
 * (lib/commands/cli.ts `runMain`); anything else is a fault of the kit and exits with 1.
 */

/** A mistake in what the user gave; its message names the flag or file, the value and what is expected. */
export class UserError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UserError';
  }
}

/**
 * Node's file-system error codes for a path that does not exist, cannot be
 * read or written, or is a file where a folder is expected (or the reverse):
 * the path came from the user (a flag, or the files a flag points to).
 */
const PATH_ERROR_CODES: ReadonlySet<string> = new Set([
  'ENOENT',
  'EACCES',
  'EPERM',
  'ENOTDIR',
  'EISDIR',
]);

/** True for a {@link UserError} and for Node's errors about a path the user gave ({@link PATH_ERROR_CODES}). */
export function isUserError(err: unknown): boolean {
  if (err instanceof UserError) return true;
  const code = err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
  return code !== undefined && PATH_ERROR_CODES.has(code);
}
