import type { RunShellEffect } from '../../core/effects.ts';
import type { Json } from '../../core/json.ts';
import type { EffectContext } from '../effect-context.ts';
import { resolveEnvironment } from './environment.ts';
import { runProcess } from './spawn-process.ts';

/** `sh -c COMMAND sh ARG…`: the command is the script, the arguments are its `$1`, `$2`…, never parsed by the shell. */
export function performRunShell(effect: RunShellEffect, context: EffectContext): Promise<Json> {
  return runProcess(
    {
      file: '/bin/sh',
      args: ['-c', effect.command, 'sh', ...effect.argv],
      ...(effect.stdin === undefined ? {} : { stdin: effect.stdin }),
      environment: resolveEnvironment(effect.environment, context),
      return: effect.return,
      await: effect.await,
      label: 'shell command',
    },
    context.signal,
  );
}
