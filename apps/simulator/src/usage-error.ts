import { readFileSync } from 'node:fs';

/** Bad input from the user (flags, scenario, replay file): shown as a plain message, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The text of the file a flag names; a file that cannot be read is the user's error, named by its flag. */
export function readFlagFile(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${flag} ${path}: ${(error as Error).message}`);
  }
}
