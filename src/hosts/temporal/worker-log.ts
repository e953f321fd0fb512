import type { LogEntry, LogLevel } from '@temporalio/worker';
import { pretty } from '../../service/log-stream.ts';

/** pino's level numbers, so a worker's lines read like `cairn serve`'s. */
const LEVELS: Record<LogLevel, number> = { TRACE: 10, DEBUG: 20, INFO: 30, WARN: 40, ERROR: 50 };

/**
 * Writes the Temporal SDK's log entries as `cairn serve` writes its records: one JSON object per
 * line (level, time, msg, the SDK's metadata), or, on a terminal, that record as one readable line.
 * The SDK's `workflowId` is the execution's id (Cairn starts each execution as the workflow of that
 * id), named `executionId` as in the service's lines.
 */
export function workerLogLine(output: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr): (entry: LogEntry) => void {
  return ({ level, message, timestampNanos, meta = {} }) => {
    const { workflowId, error, ...rest } = meta;
    const record = {
      level: LEVELS[level],
      time: Number(timestampNanos / 1_000_000n),
      ...(typeof workflowId === 'string' ? { executionId: workflowId } : {}),
      ...rest,
      ...(error === undefined ? {} : { err: errorFields(error) }),
      msg: message,
    };
    const line = serialized(record) ?? JSON.stringify({ level: record.level, time: record.time, executionId: workflowId, msg: message });
    output.write(`${output.isTTY === true ? pretty(line) : line}\n`);
  };
}

/** The record as JSON (bigints as strings), or undefined when its metadata cannot be (a cycle): the line then keeps the rest. */
function serialized(record: object): string | undefined {
  try {
    return JSON.stringify(record, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value));
  } catch {
    return undefined;
  }
}

/** An Error's own fields are not enumerable: JSON would keep none of them. */
function errorFields(error: unknown): unknown {
  if (!(error instanceof Error) && (error === null || typeof error !== 'object')) return error;
  const { name, message, stack, cause, ...fields } = error as Error & Record<string, unknown>;
  return { type: name, message, stack, ...fields, ...(cause === undefined ? {} : { cause: errorFields(cause) }) };
}
