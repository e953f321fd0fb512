/** Process exit codes of every `cairn` command (documented in the README). */
export const EXIT = {
  /** The workflow completed, or the command succeeded. */
  ok: 0,
  /** The workflow faulted (or an expression failed, for `cairn eval`). */
  faulted: 1,
  /** The workflow document, input or command arguments are invalid. */
  invalid: 2,
  /** The workflow was cancelled. */
  cancelled: 3,
  /** The service or Temporal could not be reached. */
  unavailable: 4,
} as const;
