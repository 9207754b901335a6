/**
 * A mistake in how a command was called: an unknown flag, a bad or missing
 * value, a missing or extra argument. Not a failure while running it.
 * main.ts prints the message as one line that points at the command's
 * --help, without a stack, and exits 2.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
