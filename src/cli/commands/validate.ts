import type { Command } from '@commander-js/extra-typings';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadDefaultEngine } from '../../jq/node/engine-choice.ts';
import { formatIssue, formatWarning, loadWorkflowFile, WorkflowLoadError, type ValidationIssue } from '../../loader/load-workflow.ts';
import { EXIT } from '../exit-codes.ts';

/** A folder stands for its workflow files (`.yaml`, `.yml`, `.json`, not recursive). */
function expandFolders(paths: string[]): string[] {
  return paths.flatMap((path) => {
    let folder = false;
    try {
      folder = statSync(path).isDirectory();
    } catch {
      // A missing path is reported by the loader, under its own name.
    }
    if (!folder) return [path];
    return readdirSync(path).filter((name) => /\.(ya?ml|json)$/i.test(name)).sort().map((name) => join(path, name));
  });
}

/**
 * `cairn validate FILE|DIR...`: checks workflow documents without running them. Prints `FILE: valid`
 * (stdout) or one `file:line:col: message` line per problem (stderr); exit 0 when every file is
 * valid, 2 otherwise. Warnings (portability, DSL pre-releases, post-1.0.3 constructs) go to stderr
 * as `file:line:col: warning: message`; `--strict` refuses documents that have any. `--json` prints
 * `[{file, valid, issues, warnings}]` to stdout instead.
 */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check workflow documents against the schema, references and expressions')
    .argument('<files...>', 'workflow documents (YAML or JSON), or folders of them')
    .option('--json', 'print the results as JSON')
    .option('--strict', 'refuse documents that load only with warnings (pre-release DSL, post-1.0.3 constructs, portability)')
    .addHelpText('after', '\nExamples:\n  $ cairn validate examples/order-pipeline.yaml\n  $ cairn validate examples/            # every .yaml, .yml and .json file in it\n')
    .action(async (paths, options) => {
      const files = expandFolders(paths);
      const engine = await loadDefaultEngine();
      const results: Array<{ file: string; valid: boolean; issues: readonly ValidationIssue[]; warnings: ValidationIssue[] }> = [];
      for (const file of files) {
        const warnings: ValidationIssue[] = [];
        try {
          await loadWorkflowFile(file, { engine, strict: options.strict === true, onWarning: (warning) => warnings.push(warning) });
          results.push({ file, valid: true, issues: [], warnings });
        } catch (error) {
          if (!(error instanceof WorkflowLoadError)) throw error;
          results.push({ file, valid: false, issues: error.issues, warnings });
        }
      }
      if (options.json) {
        process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      } else {
        for (const result of results) {
          for (const warning of result.warnings) process.stderr.write(`${formatWarning(warning)}\n`);
          if (result.valid) process.stdout.write(`${result.file}: valid\n`);
          else for (const issue of result.issues) process.stderr.write(`${formatIssue(issue)}\n`);
        }
      }
      process.exitCode = results.every((result) => result.valid) ? EXIT.ok : EXIT.invalid;
    });
}
