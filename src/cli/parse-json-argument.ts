import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Json } from '../core/json.ts';

/** yaml is loaded only for `@file` arguments: inline JSON (most calls) starts faster without it. */
const parseYaml = (text: string, options: { maxAliasCount: number }): unknown =>
  (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text, options);

/** A typed error for bad command-line arguments; the CLI prints it and exits with EXIT.invalid. */
export class ArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgumentError';
  }
}

/**
 * Reads a JSON argument: inline JSON, or `@path` to a JSON or YAML file.
 * `what` names the option in error messages.
 */
export function parseJsonArgument(value: string, what: string): Json {
  if (value.startsWith('@')) {
    const path = value.slice(1);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new ArgumentError(`${what}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    try {
      return parseYaml(text, { maxAliasCount: 100 }) as Json;
    } catch (error) {
      throw new ArgumentError(`${what}: ${path} is not valid JSON or YAML: ${(error as Error).message}`);
    }
  }
  try {
    return JSON.parse(value) as Json;
  } catch (error) {
    throw new ArgumentError(`${what}: not valid JSON: ${(error as Error).message}`);
  }
}
