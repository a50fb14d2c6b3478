/**
 * A command's own failure with its own exit code, reported like every other failure: one line
 * `saffron: <what>: <detail>`. (Exit 3 is kept for "nothing there" answers: exit-codes.ts.)
 */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
  constructor(
    readonly what: string,
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** The guest has nothing to give (an empty clipboard). */
export const EXIT_NOTHING_THERE = 3;
