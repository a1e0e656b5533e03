/** Bad input from the user (flags, scenario, replay file): shown as a plain message, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
