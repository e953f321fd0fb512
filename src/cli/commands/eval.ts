import type { Command } from '@commander-js/extra-typings';
import type { Json } from '../../core/json.ts';
import { declaredProgram } from '../../core/expr/runtime-expression.ts';
import { loadDefaultEngine } from '../../jq/node/engine-choice.ts';
import { EXIT } from '../exit-codes.ts';
import { ArgumentError, parseJsonArgument } from '../parse-json-argument.ts';

/** `cairn eval EXPR`: evaluates a runtime expression the way workflows do, one compact JSON line per result. */
export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('evaluate a runtime expression (jq, with or without ${ }) and print each result as one JSON line')
    .argument('<expression>', 'the expression, e.g. \'.items | length\' or \'${ $input.a }\'')
    .option('--input <json>', 'the input (.) as JSON, or @file.json|yaml', 'null')
    .option('--var <name=json...>', 'a variable as NAME=JSON (repeatable), e.g. --var context={"a":1}')
    .action(async (expression, options) => {
      try {
        const input = parseJsonArgument(options.input, '--input');
        const variables = parseVariables(options.var ?? []);
        const engine = await loadDefaultEngine();
        const results = engine.compile(declaredProgram(expression), Object.keys(variables)).evaluate(input, variables);
        for (const result of results) process.stdout.write(`${JSON.stringify(result)}\n`);
      } catch (error) {
        process.stderr.write(`cairn eval: ${(error as Error).message}\n`);
        process.exitCode = error instanceof ArgumentError ? EXIT.invalid : EXIT.faulted;
      }
    });
}

function parseVariables(assignments: string[]): Record<string, Json> {
  const variables: Record<string, Json> = {};
  for (const assignment of assignments) {
    const equals = assignment.indexOf('=');
    const name = assignment.slice(0, equals).replace(/^\$/, '');
    if (equals <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new ArgumentError(`--var ${assignment}: expected NAME=JSON`);
    }
    variables[name] = parseJsonArgument(assignment.slice(equals + 1), `--var ${name}`);
  }
  return variables;
}
