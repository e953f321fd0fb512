import { Writable } from 'node:stream';
import pc from 'picocolors';

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const OWN_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

/**
 * Where the service's log lines go: one JSON object per line, or, on a terminal, the same record
 * as one readable line (time, level, message, then the fields such as executionId and traceId).
 */
export function logDestination(output: NodeJS.WriteStream = process.stdout): NodeJS.WritableStream {
  if (!output.isTTY) return output;
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) output.write(`${pretty(line)}\n`);
      done();
    },
  });
}

export function pretty(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = LEVELS[Number(record.level)] ?? String(record.level);
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 23) : '';
  const colored = Number(record.level) >= 50 ? pc.red(level) : Number(record.level) >= 40 ? pc.yellow(level) : pc.green(level);
  const fields = Object.entries(record)
    .filter(([key]) => !OWN_FIELDS.has(key))
    .map(([key, value]) => `${pc.dim(`${key}=`)}${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [pc.dim(time), colored, String(record.msg ?? ''), ...fields].join(' ');
}
