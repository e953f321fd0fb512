import { MIN_MEMORY_MB, type ExecutionLimits } from '../hosts/local/execution-limits.ts';
import { ArgumentError } from './parse-json-argument.ts';

/** The per-execution limit options `cairn run` and `cairn serve` share (`--max-memory` …, see `LIMIT_OPTIONS`). */
export interface LimitFlags {
  maxMemory?: string;
  maxDuration?: string;
  maxCpu?: string;
  maxTasks?: string;
  maxEvents?: string;
}

function positive(value: string | undefined, flag: string, scale = 1): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new ArgumentError(`${flag} must be a positive number, got "${value}"`);
  return Math.round(number * scale);
}

/** The limits the flags give, over `defaults`; throws `ArgumentError` naming a malformed flag. */
export function parseLimitFlags(flags: LimitFlags, defaults: ExecutionLimits = {}): ExecutionLimits {
  const given: ExecutionLimits = {
    maxMemoryMb: positive(flags.maxMemory, '--max-memory'),
    maxDurationMs: positive(flags.maxDuration, '--max-duration', 1000),
    maxCpuMs: positive(flags.maxCpu, '--max-cpu', 1000),
    maxTasks: positive(flags.maxTasks, '--max-tasks'),
    maxEvents: positive(flags.maxEvents, '--max-events'),
  };
  if (given.maxMemoryMb !== undefined && given.maxMemoryMb < MIN_MEMORY_MB) {
    throw new ArgumentError(`--max-memory must be at least ${MIN_MEMORY_MB} (MiB), got "${flags.maxMemory}": a smaller heap can abort the whole process instead of stopping the execution`);
  }
  const limits: ExecutionLimits = { ...defaults };
  for (const [name, value] of Object.entries(given) as Array<[keyof ExecutionLimits, number | undefined]>) if (value !== undefined) limits[name] = value;
  return limits;
}
