import type { Command } from '@commander-js/extra-typings';

/** Adds one subcommand to the `cairn` program. Each command lives in its own module. */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [];
