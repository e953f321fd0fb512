import type { Command } from '@commander-js/extra-typings';

/** Adds one subcommand to the `cairn` program. Each command lives in its own module. */
export type RegisterCommand = (program: Command) => void;

interface CommandEntry {
  /** The line `cairn --help` shows; the command's own module describes it in full. */
  summary: string;
  /** Imported only when this command runs, so a command loads nothing the others need. */
  load: () => Promise<RegisterCommand>;
}

/** Every `cairn` subcommand. A new command is a module exporting its `register…` function, listed here. */
export const commands: Record<string, CommandEntry> = {
  run: { summary: 'run a workflow file and print its output', load: async () => (await import('./run.ts')).registerRun },
  eval: { summary: 'evaluate a runtime expression and print each result as one JSON line', load: async () => (await import('./eval.ts')).registerEval },
  validate: { summary: 'check workflow documents against the schema, references and expressions', load: async () => (await import('./validate.ts')).registerValidate },
  worker: { summary: 'run a Temporal worker for workflows started with --host temporal', load: async () => (await import('./worker.ts')).registerWorker },
  watch: { summary: 'follow an execution at the service live and exit with its status', load: async () => (await import('./watch.ts')).registerWatch },
  executions: { summary: 'list, inspect and control executions at the service', load: async () => (await import('./executions.ts')).registerExecutions },
  events: { summary: 'send CloudEvents to the service', load: async () => (await import('./events.ts')).registerEvents },
  workflows: { summary: 'register workflow documents at the service and list them', load: async () => (await import('./workflows.ts')).registerWorkflows },
  serve: { summary: 'run the execution service (HTTP/JSON, gRPC, SSE, WebSocket, dashboard) with an embedded local engine', load: async () => (await import('./serve.ts')).registerServe },
};
