import { existsSync, readFileSync } from 'node:fs';
import type { Command } from '@commander-js/extra-typings';
import type { WorkflowStatus } from '../../core/events.ts';
import type { Json } from '../../core/json.ts';
import { ArgumentError, parseJsonArgument } from '../parse-json-argument.ts';
import { clientFrom, runServiceCommand, serviceCommand, ServiceHttpError, type ExecutionRecord, type ServiceClient } from '../service-client.ts';

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

/**
 * The full id of an execution given by its id or the start of it (as the dashboard shows ids):
 * an exact id wins; a prefix must match exactly one execution.
 */
export async function resolveExecutionId(client: ServiceClient, idOrPrefix: string): Promise<string> {
  try {
    return (await client.getExecution(idOrPrefix)).execution.id;
  } catch (error) {
    if (!(error instanceof ServiceHttpError) || error.status !== 404) throw error;
  }
  const page = await client.listExecutions({ idPrefix: idOrPrefix, limit: 2 });
  if (page.items.length === 1) return page.items[0]!.id;
  if (page.items.length === 0) throw error404(idOrPrefix);
  throw new ArgumentError(`"${idOrPrefix}" starts several execution ids (${page.items.map((item) => item.id).join(', ')}, …): give more of it`);
}

function error404(idOrPrefix: string): ArgumentError {
  return new ArgumentError(`no execution has an id starting with "${idOrPrefix}"`);
}

/** `namespace/name` or `namespace/name@version`. */
function parseWorkflowName(value: string): { namespace: string; name: string; version?: string } {
  const match = /^([^/@]+)\/([^/@]+)(?:@(.+))?$/.exec(value);
  if (!match) throw new ArgumentError(`expected a workflow file or NAMESPACE/NAME[@VERSION], got "${value}"`);
  return { namespace: match[1]!, name: match[2]!, ...(match[3] ? { version: match[3] } : {}) };
}

/** `cairn executions list|get|start|cancel|suspend|resume`: thin clients of the service's executions API. */
export function registerExecutions(program: Command): void {
  const executions = program.command('executions').description('list, inspect and control executions at the service');

  serviceCommand(executions, 'list')
    .description('list executions, newest first, a page at a time')
    .option('--workflow <namespace/name>', 'only executions of this workflow')
    .option('--status <statuses>', `only executions in these statuses, comma-separated (${STATUSES.join(', ')})`)
    .option('--id <prefix>', 'only executions whose id starts with this')
    .option('--cursor <cursor>', 'the next page: the cursor the previous page printed')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print the page (items and nextCursor) as JSON')
    .addHelpText('after', '\nExamples:\n  $ cairn executions list --status faulted,cancelled\n  $ cairn executions list --workflow shop/orders --id 3f2a\n  $ cairn executions list --cursor <cursor printed by the previous page>\n')
    .action(async (options) => {
      await runServiceCommand('executions list', async () => {
        const statuses = options.status?.split(',').map((status) => status.trim()).filter(Boolean) ?? [];
        const unknown = statuses.filter((status) => !STATUSES.includes(status as WorkflowStatus));
        if (unknown.length > 0) throw new ArgumentError(`--status: ${unknown.join(', ')} is not a status (${STATUSES.join(', ')})`);
        const workflow = options.workflow ? parseWorkflowName(options.workflow) : undefined;
        const page = await clientFrom(options).listExecutions({
          ...(workflow ? { namespace: workflow.namespace, name: workflow.name } : {}),
          ...(statuses.length ? { status: statuses.join(',') } : {}),
          ...(options.id ? { idPrefix: options.id } : {}),
          ...(options.cursor ? { cursor: options.cursor } : {}),
          limit: Number(options.limit),
        });
        if (options.json) process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
        else {
          printTable(page.items);
          if (page.nextCursor) process.stderr.write(`more: --cursor ${page.nextCursor}\n`);
        }
      });
    });

  serviceCommand(executions, 'get')
    .description('print an execution snapshot (status, input, output, per-task states) as JSON, large values fetched by reference')
    .argument('<id>', 'execution id, or the start of it')
    .action(async (id, options) => {
      await runServiceCommand('executions get', async () => {
        const client = clientFrom(options);
        const snapshot = await client.getExecution(await resolveExecutionId(client, id));
        // Values the service keeps by reference are fetched, so the snapshot prints inputs and outputs as before.
        const filled = {
          ...snapshot,
          execution: await client.withStoredValues(snapshot.execution),
          tasks: await Promise.all(snapshot.tasks.map((task) => client.withStoredValues(task))),
        };
        process.stdout.write(`${JSON.stringify(filled, null, 2)}\n`);
      });
    });

  serviceCommand(executions, 'start')
    .description('start a run (of a registered workflow or a workflow file) at the service and print its id')
    .argument('<workflow>', 'NAMESPACE/NAME[@VERSION] of a registered workflow, or a workflow file (.yaml, .yml, .json)')
    .option('--input <json>', 'workflow input as JSON, or @file.json|yaml', '{}')
    .action(async (workflow, options) => {
      await runServiceCommand('executions start', async () => {
        const input: Json = parseJsonArgument(options.input, '--input');
        const looksLikeFile = /\.(ya?ml|json)$/i.test(workflow) || workflow.startsWith('.') || workflow.split('/').length > 2;
        if (looksLikeFile && !existsSync(workflow)) throw new ArgumentError(`${workflow}: no such file`);
        const isFile = looksLikeFile;
        const target = isFile ? { document: readFileSync(workflow, 'utf8') } : { workflow: parseWorkflowName(workflow) };
        const execution = await clientFrom(options).startExecution({ ...target, input });
        process.stdout.write(`${execution.id}\n`);
      });
    });

  serviceCommand(executions, 'cancel')
    .description('cancel an execution and print its status')
    .argument('<id>', 'execution id, or the start of it')
    .option('--reason <text>', 'why: kept with the execution, shown by the dashboard, `executions get` and `watch`')
    .addHelpText('after', '\nExample:\n  $ cairn executions cancel 3f2a --reason "duplicate order"\n')
    .action(async (id, options) => {
      await runServiceCommand('executions cancel', async () => {
        const client = clientFrom(options);
        const execution = await client.controlExecution(await resolveExecutionId(client, id), 'cancel', options.reason);
        process.stdout.write(`${execution.id} ${execution.status}\n`);
      });
    });

  for (const action of ['suspend', 'resume'] as const) {
    serviceCommand(executions, action)
      .description(`${action} an execution and print its status`)
      .argument('<id>', 'execution id, or the start of it')
      .action(async (id, options) => {
        await runServiceCommand(`executions ${action}`, async () => {
          const client = clientFrom(options);
          const execution = await client.controlExecution(await resolveExecutionId(client, id), action);
          process.stdout.write(`${execution.id} ${execution.status}\n`);
        });
      });
  }
}
