import { readFileSync } from 'node:fs';
import type { Command } from '@commander-js/extra-typings';
import { isJsonObject, type JsonObject } from '../../core/json.ts';
import { ArgumentError, parseJsonArgument } from '../parse-json-argument.ts';
import { clientFrom, runServiceCommand, serviceCommand } from '../service-client.ts';

/** Reads CloudEvents (structured JSON: one object or an array) from a file, `-` for stdin, or inline JSON. */
function readCloudEvents(source: string): JsonObject | JsonObject[] {
  const value = source === '-' ? parseJsonArgument(readFileSync(0, 'utf8'), 'stdin') : parseJsonArgument(source.trim().startsWith('{') || source.trim().startsWith('[') ? source : `@${source}`, 'events');
  const events = Array.isArray(value) ? value : [value];
  events.forEach((event, index) => {
    if (!isJsonObject(event)) throw new ArgumentError(`event ${index}: not a JSON object`);
    for (const field of ['specversion', 'id', 'source', 'type'] as const) {
      if (typeof event[field] !== 'string') throw new ArgumentError(`event ${index}: CloudEvent attribute "${field}" is required (a string)`);
    }
  });
  return Array.isArray(value) ? (value as JsonObject[]) : (value as JsonObject);
}

/** `cairn events send`: delivers CloudEvents to the service, which hands them to waiting `listen` tasks. */
export function registerEvents(program: Command): void {
  const events = program.command('events').description('send CloudEvents to the service');
  serviceCommand(events, 'send')
    .description('send CloudEvents (structured JSON, one or a batch) to the service')
    .argument('<events>', 'a JSON/YAML file, - for stdin, or inline JSON')
    .action(async (source, options) => {
      await runServiceCommand('events send', async () => {
        const cloudEvents = readCloudEvents(source);
        const reply = await clientFrom(options).sendEvents(cloudEvents);
        process.stdout.write(`${JSON.stringify(reply ?? { accepted: Array.isArray(cloudEvents) ? cloudEvents.length : 1 })}\n`);
      });
    });
}
