import { existsSync, readFileSync } from 'node:fs';
import type { Command } from '@commander-js/extra-typings';
import type { WorkflowStatus } from '../../core/events.ts';
import type { Json } from '../../core/json.ts';
import { ArgumentError, parseJsonArgument } from '../parse-json-argument.ts';
import { clientFrom, runServiceCommand, serviceCommand, type ExecutionRecord } from '../service-client.ts';

const STATUSES: readonly WorkflowStatus[] = ['pending', 'running', 'waiting', 'suspended', 'cancelled', 'faulted', 'completed'];

function printTable(executions: ExecutionRecord[]): void {
  const rows = executions.map((execution) => [
    execution.id,
    `${execution.workflow.namespace}/${execution.workflow.name}@${execution.workflow.version}`,
    execution.status,
    execution.createdAt,
    execution.trigger ?? 'client',
  ]);
  const header = ['ID', 'WORKFLOW', 'STATUS', 'CREATED', 'TRIGGER'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  for (const row of [header, ...rows]) process.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()}\n`);
}

/** `namespace/name` or `namespace/name@version`. */
function parseWorkflowName(value: string): { namespace: string; name: string; version?: string } {
  const match = /^([^/@]+)\/([^/@]+)(?:@(.+))?$/.exec(value);
  if (!match) throw new ArgumentError(`--workflow: expected NAMESPACE/NAME[@VERSION], got "${value}"`);
  return { namespace: match[1]!, name: match[2]!, ...(match[3] ? { version: match[3] } : {}) };
}

/** `cairn executions list|get|start|cancel|suspend|resume`: thin clients of the service's executions API. */
export function registerExecutions(program: Command): void {
  const executions = program.command('executions').description('list, inspect and control executions at the service');

  serviceCommand(executions, 'list')
    .description('list executions, newest first')
    .option('--workflow <namespace/name>', 'only executions of this workflow')
    .option('--status <status>', `only executions in this status (${STATUSES.join(', ')})`)
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print the page as JSON')
    .action(async (options) => {
      await runServiceCommand('executions list', async () => {
        if (options.status && !STATUSES.includes(options.status as WorkflowStatus)) throw new ArgumentError(`--status: one of ${STATUSES.join(', ')}`);
        const workflow = options.workflow ? parseWorkflowName(options.workflow) : undefined;
        const page = await clientFrom(options).listExecutions({
          ...(workflow ? { namespace: workflow.namespace, name: workflow.name } : {}),
          ...(options.status ? { status: options.status } : {}),
          limit: Number(options.limit),
        });
        if (options.json) process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
        else printTable(page.items);
      });
    });

  serviceCommand(executions, 'get')
    .description('print an execution snapshot (status, output, per-task states) as JSON')
    .argument('<id>', 'execution id')
    .action(async (id, options) => {
      await runServiceCommand('executions get', async () => {
        process.stdout.write(`${JSON.stringify(await clientFrom(options).getExecution(id), null, 2)}\n`);
      });
    });

  serviceCommand(executions, 'start')
    .description('start a run (of a registered workflow or a workflow file) at the service and print its id')
    .argument('<workflow>', 'NAMESPACE/NAME[@VERSION] of a registered workflow, or a workflow file (.yaml, .yml, .json)')
    .option('--input <json>', 'workflow input as JSON, or @file.json|yaml', '{}')
    .action(async (workflow, options) => {
      await runServiceCommand('executions start', async () => {
        const input: Json = parseJsonArgument(options.input, '--input');
        const isFile = /\.(ya?ml|json)$/i.test(workflow) && existsSync(workflow);
        const target = isFile ? { document: readFileSync(workflow, 'utf8') } : { workflow: parseWorkflowName(workflow) };
        const execution = await clientFrom(options).startExecution({ ...target, input });
        process.stdout.write(`${execution.id}\n`);
      });
    });

  for (const action of ['cancel', 'suspend', 'resume'] as const) {
    serviceCommand(executions, action)
      .description(`${action} an execution and print its status`)
      .argument('<id>', 'execution id')
      .action(async (id, options) => {
        await runServiceCommand(`executions ${action}`, async () => {
          const execution = await clientFrom(options).controlExecution(id, action);
          process.stdout.write(`${execution.id} ${execution.status}\n`);
        });
      });
  }
}
