import { spawn } from 'node:child_process';
import type { RunContainerEffect } from '../../core/effects.ts';
import type { Json } from '../../core/json.ts';
import type { EffectContext } from '../effect-context.ts';
import { resolveEnvironment } from './environment.ts';
import { runProcess } from './spawn-process.ts';

/** The docker-compatible CLI to use (`podman` works too); overridable for hosts without `docker`. */
export function containerCli(): string {
  return process.env.CAIRN_CONTAINER_CLI ?? 'docker';
}

/**
 * Runs a container through `docker run`. Every value is its own argv entry; a `command` runs as
 * `sh -c COMMAND sh ARG…` inside the container, like a shell task. Killing the CLI's process group
 * on cancel stops the container (the CLI proxies signals).
 */
export function performRunContainer(effect: RunContainerEffect, context: EffectContext): Promise<Json> {
  const cli = containerCli();
  const onExit = effect.cleanup === 'eventually' ? () => scheduleRemoval(cli, effect.name, effect.cleanupAfterMs ?? 0) : undefined;
  return runProcess(
    {
      file: cli,
      args: dockerRunArguments(effect),
      ...(effect.stdin === undefined ? {} : { stdin: effect.stdin }),
      // Values reach docker through its own environment (`--env NAME`), not its argv, which `ps` shows.
      environment: resolveEnvironment(effect.environment, context),
      return: effect.return,
      await: effect.await,
      label: `container ${effect.image}`,
      ...(onExit ? { onExit } : {}),
    },
    context.signal,
  );
}

/** The exact `docker run …` argument list for an effect (exported for the invocation test). */
export function dockerRunArguments(effect: RunContainerEffect): string[] {
  const args = ['run', '--name', effect.name];
  if (effect.cleanup === 'always') args.push('--rm');
  if (effect.stdin !== undefined) args.push('--interactive');
  if (effect.pullPolicy !== undefined) args.push(`--pull=${PULL[effect.pullPolicy]}`);
  for (const [host, container] of Object.entries(effect.ports)) args.push('--publish', `${host}:${container}`);
  for (const [host, container] of Object.entries(effect.volumes)) args.push('--volume', `${host}:${container}`);
  for (const name of Object.keys(effect.environment)) args.push('--env', name);
  args.push('--', effect.image);
  if (effect.command !== undefined) args.push('sh', '-c', effect.command, 'sh');
  args.push(...effect.argv);
  return args;
}

const PULL = { ifNotPresent: 'missing', always: 'always', never: 'never' } as const;

/** `lifetime.cleanup: eventually`: remove the stopped container after the grace period, without holding the worker open. */
function scheduleRemoval(cli: string, name: string, afterMs: number): void {
  setTimeout(() => {
    spawn(cli, ['rm', '--force', name], { stdio: 'ignore' }).on('error', () => undefined).unref();
  }, afterMs).unref();
}
