import { readFileSync } from 'node:fs';
import { Command } from '@commander-js/extra-typings';
import { commands } from './commands/index.ts';
import { EXIT } from './exit-codes.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('cairn')
  .description('Serverless Workflow DSL 1.0 runtime: run workflows in-process or durably on Temporal, and watch them live')
  .version(version)
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : EXIT.invalid));

/** The subcommand the arguments name (`cairn run …`, `cairn help run`), if any. */
function requestedCommand(args: string[]): string | undefined {
  const words = args.filter((arg) => !arg.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return name !== undefined && Object.hasOwn(commands, name) ? name : undefined;
}

const requested = requestedCommand(process.argv.slice(2));
if (requested !== undefined) (await commands[requested]!.load())(program);
// Root help, --version or an unknown command: list every command without loading any.
else for (const [name, { summary }] of Object.entries(commands)) program.command(name).description(summary);

await program.parseAsync(process.argv);
