import type { V } from './values.ts';

/** A jq runtime error carrying its value, catchable by `try`/`?`. */
export class JqError {
  constructor(readonly value: V) {}
  message(): string {
    const v = this.value;
    return typeof v === 'string' ? v : v === null ? 'null (null)' : `${JSON.stringify(v)} (not a string)`;
  }
}

/** Raised by `break $label`; only the matching `label` catches it, never `try`. */
export class BreakSignal {
  constructor(readonly label: object) {}
}

/** An exceeded evaluation limit: not catchable by `try`, ends the evaluation. */
export class LimitExceeded {
  constructor(readonly message: string) {}
}

/** A syntax or scoping error found while compiling, with its offset in the program. */
export class JqSyntaxError {
  constructor(
    readonly message: string,
    readonly offset: number,
  ) {}
}

export function fail(message: string): never {
  throw new JqError(message);
}
