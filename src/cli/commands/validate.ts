import type { Command } from '@commander-js/extra-typings';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadDefaultEngine } from '../../jq/node/engine-choice.ts';
import { formatIssue, formatWarning, loadWorkflowFile, WorkflowLoadError, type ValidationIssue } from '../../loader/load-workflow.ts';
import { EXIT } from '../exit-codes.ts';

/**
 * Whether a file found in a folder is meant as a workflow: it has a top-level `document` with a
 * `dsl`. A file that does not parse is validated anyway (a broken workflow must not pass unseen);
 * one that parses to something else (package.json, an input file) is skipped.
 */
function looksLikeWorkflow(path: string): boolean {
  let value: unknown;
  try {
    value = parse(readFileSync(path, 'utf8'));
  } catch {
    return true;
  }
  const header = (value as { document?: unknown } | null)?.document;
  return typeof header === 'object' && header !== null && 'dsl' in header;
}

/** A folder stands for its workflow files (`.yaml`, `.yml`, `.json` holding `document.dsl`, not recursive); files named are always checked. */
function expandFolders(paths: string[]): { files: string[]; skipped: number } {
  let skipped = 0;
  const files = paths.flatMap((path) => {
    let folder = false;
    try {
      folder = statSync(path).isDirectory();
    } catch {
      // A missing path is reported by the loader, under its own name.
    }
    if (!folder) return [path];
    const candidates = readdirSync(path).filter((name) => /\.(ya?ml|json)$/i.test(name)).sort().map((name) => join(path, name));
    const workflows = candidates.filter(looksLikeWorkflow);
    skipped += candidates.length - workflows.length;
    return workflows;
  });
  return { files, skipped };
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
    .addHelpText('after', '\nExamples:\n  $ cairn validate examples/order-pipeline.yaml\n  $ cairn validate examples/            # every workflow (.yaml, .yml, .json with document.dsl) in it\n')
    .action(async (paths, options) => {
      const { files, skipped } = expandFolders(paths);
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
        if (skipped > 0) process.stderr.write(`skipped ${skipped} file${skipped === 1 ? '' : 's'} without a workflow header (document.dsl)\n`);
      }
      process.exitCode = results.every((result) => result.valid) ? EXIT.ok : EXIT.invalid;
    });
}
