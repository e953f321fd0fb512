import { Command } from '@commander-js/extra-typings';
import { commands } from './commands/index.ts';
import { EXIT } from './exit-codes.ts';

const program = new Command('cairn')
  .description('Serverless Workflow DSL 1.0 runtime: run workflows in-process or durably on Temporal, and watch them live')
  .version('0.1.0')
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : EXIT.invalid));

for (const register of commands) register(program);

await program.parseAsync(process.argv);
