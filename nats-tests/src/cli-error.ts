/** Exit codes of the CLI: 0 ok, 1 the operator's input (or the stream) is wrong, 2 NATS cannot be used. */
export const ExitCode = {
  Ok: 0,
  UserError: 1,
  ConnectionError: 2,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An expected failure: its message is shown as is (no stack) and the process exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.UserError,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
