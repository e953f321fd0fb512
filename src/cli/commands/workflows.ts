import { readFileSync } from 'node:fs';
import type { Command } from '@commander-js/extra-typings';
import { ArgumentError } from '../parse-json-argument.ts';
import { clientFrom, runServiceCommand, serviceCommand, type ScheduleRecord } from '../service-client.ts';

/** When a schedule acts next: its next fire time, the run it waits for, or the events it holds. */
function nextOccasion(schedule: ScheduleRecord): string {
  if (schedule.nextFireAt) return `next ${schedule.nextFireAt}`;
  if (schedule.waitingFor) return `after execution ${schedule.waitingFor} ends`;
  return `on events (${schedule.pendingEvents ?? 0} pending)`;
}

/** `cairn workflows register|list|schedules`: the service's workflow registry. */
export function registerWorkflows(program: Command): void {
  const workflows = program.command('workflows').description('register workflow documents at the service and list them');

  serviceCommand(workflows, 'register')
    .description('register a workflow document (validated by the service)')
    .argument('<file>', 'workflow document (YAML or JSON)')
    .action(async (file, options) => {
      await runServiceCommand('workflows register', async () => {
        let document: string;
        try {
          document = readFileSync(file, 'utf8');
        } catch (error) {
          throw new ArgumentError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
        }
        const reply = await clientFrom(options).registerWorkflow(document);
        process.stdout.write(`${JSON.stringify(reply)}\n`);
      });
    });

  serviceCommand(workflows, 'list')
    .description('list registered workflows and their versions')
    .option('--json', 'print as JSON')
    .action(async (options) => {
      await runServiceCommand('workflows list', async () => {
        const page = await clientFrom(options).listWorkflows();
        if (options.json) {
          process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
          return;
        }
        for (const workflow of page.items) process.stdout.write(`${workflow.namespace}/${workflow.name}  latest ${workflow.latest}  versions ${workflow.versions.join(', ')}\n`);
      });
    });

  serviceCommand(workflows, 'schedules')
    .description('list the armed schedules of registered workflows (every, cron, after, on events)')
    .option('--json', 'print as JSON')
    .action(async (options) => {
      await runServiceCommand('workflows schedules', async () => {
        const page = await clientFrom(options).listSchedules();
        if (options.json) {
          process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
          return;
        }
        for (const schedule of page.items) {
          const { namespace, name, version } = schedule.workflow;
          process.stdout.write(`${namespace}/${name}@${version}  ${schedule.kind}  ${nextOccasion(schedule)}\n`);
        }
      });
    });
}
