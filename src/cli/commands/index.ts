import type { Command } from '@commander-js/extra-typings';
import { registerEval } from './eval.ts';
import { registerEvents } from './events.ts';
import { registerExecutions } from './executions.ts';
import { registerRun } from './run.ts';
import { registerServe } from './serve.ts';
import { registerValidate } from './validate.ts';
import { registerWatch } from './watch.ts';
import { registerWorker } from './worker.ts';
import { registerWorkflows } from './workflows.ts';

/** Adds one subcommand to the `cairn` program. Each command lives in its own module. */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [registerRun, registerEval, registerValidate, registerWorker, registerWatch, registerExecutions, registerEvents, registerWorkflows, registerServe];
