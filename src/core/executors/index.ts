import type { ExecutorTable } from './types.ts';
import { call } from './call/index.ts';
import { runDo } from './do.ts';
import { emit } from './emit.ts';
import { runFor } from './for.ts';
import { runFork } from './fork.ts';
import { raise } from './raise.ts';
import { set } from './set.ts';
import { runSwitch } from './switch.ts';
import { runTry } from './try.ts';
import { run } from './run/index.ts';
import { listen } from './listen.ts';
import { wait } from './wait.ts';

/** One executor per task kind; a kind without an executor is a compile error. */
export const executors: ExecutorTable = {
  call,
  do: runDo,
  emit,
  for: runFor,
  fork: runFork,
  listen,
  raise,
  run,
  set,
  switch: runSwitch,
  try: runTry,
  wait,
};
