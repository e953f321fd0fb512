import { readFileSync } from 'node:fs';
import type { Command } from '@commander-js/extra-typings';
import { ArgumentError } from '../parse-json-argument.ts';
import { clientFrom, runServiceCommand, serviceCommand } from '../service-client.ts';

/** `cairn workflows register|list`: the service's workflow registry. */
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
}
