import { realpath, readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isWorkflowError, workflowError } from '../core/errors.ts';
import type { EffectContext } from './effect-context.ts';

function inside(path: string, directories: readonly string[]): boolean {
  return directories.some((directory) => {
    const rest = relative(resolve(directory), path);
    return rest === '' || (!rest.startsWith('..') && !isAbsolute(rest));
  });
}

/**
 * Reads a local file a workflow names (`file:` URL or path) under the operator's file policy:
 * without `fileDirectories` (`cairn run`) any file; with it (`cairn serve`), only files inside those
 * directories, symlinks resolved. A refusal says the same whether the file exists or not, and no
 * error ever carries the file's content.
 */
export async function readLocalFile(location: string, context: Pick<EffectContext, 'fileDirectories'>, what: string): Promise<string> {
  const path = location.startsWith('file:') ? fileURLToPath(location) : resolve(location);
  const directories = context.fileDirectories;
  const refused = () => workflowError('authorization', `${what} ${location}: reading local files is not allowed here (the operator allows directories with cairn serve --allow-files DIR)`);
  if (directories !== undefined && !inside(path, directories)) throw refused();
  try {
    const real = directories === undefined ? path : await realpath(path);
    if (directories !== undefined && !inside(real, await Promise.all(directories.map((directory) => realpath(directory).catch(() => directory))))) throw refused();
    return await readFile(real, 'utf8');
  } catch (error) {
    if (isWorkflowError(error)) throw error;
    throw workflowError('configuration', `cannot read ${what} ${location} (${(error as NodeJS.ErrnoException).code ?? 'read failed'})`);
  }
}

/**
 * Where a document failed to parse (` at line L, column C`), without the parser's message: parsers
 * quote the offending text, and the text may be a file or a response that must not leak into errors.
 */
export function parseFailureLocation(error: unknown): string {
  const yamlPosition = (error as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
  if (yamlPosition) return ` at line ${yamlPosition.line}, column ${yamlPosition.col}`;
  const line = /line (\d+)/.exec((error as Error)?.message ?? '')?.[1];
  return line === undefined ? '' : ` at line ${line}`;
}
