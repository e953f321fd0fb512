import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunScriptEffect } from '../../core/effects.ts';
import type { Json } from '../../core/json.ts';
import { isWorkflowError, workflowError } from '../../core/errors.ts';
import type { EffectContext } from '../effect-context.ts';
import { rewriteUrl } from '../rewrite-url.ts';
import { resolveEnvironment } from './environment.ts';
import { runProcess } from './spawn-process.ts';
import { egressFetch } from '../egress/egress-fetch.ts';
import { readLocalFile } from '../local-files.ts';
import { DEFAULT_MAX_RESPONSE_BYTES, readLimitedText } from '../response-body.ts';

const INTERPRETERS = {
  // The Node running Cairn; module syntax (import, top-level await) is detected per script.
  js: { file: process.execPath, flags: ['--experimental-detect-module'], extension: 'js', label: 'javascript script' },
  python: { file: 'python3', flags: [], extension: 'py', label: 'python script' },
} as const;

/**
 * Runs a script in a separate `node` or `python3` process: the code is written to a private temp
 * file (so `process.argv` / `sys.argv` look as they would for a script file) and removed afterwards.
 */
export async function performRunScript(effect: RunScriptEffect, context: EffectContext): Promise<Json> {
  const interpreter = INTERPRETERS[effect.language];
  const code = effect.code ?? (await readSource(effect.source!, context));
  const directory = await mkdtemp(join(tmpdir(), 'cairn-script-'));
  const file = join(directory, `script.${interpreter.extension}`);
  try {
    await writeFile(file, code, { mode: 0o600 });
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  return runProcess(
    {
      file: interpreter.file,
      args: [...interpreter.flags, file, ...effect.argv],
      ...(effect.stdin === undefined ? {} : { stdin: effect.stdin }),
      environment: resolveEnvironment(effect.environment, context),
      return: effect.return,
      await: effect.await,
      label: interpreter.label,
      onExit: () => rmSync(directory, { recursive: true, force: true }),
    },
    context.signal,
  );
}

/**
 * The script's source: an http(s) URL (endpoint rewrites apply, as to every call), a `file:` URL,
 * or a path relative to the working directory.
 */
async function readSource(source: string, context: EffectContext): Promise<string> {
  try {
    if (/^https?:\/\//i.test(source)) {
      const response = await egressFetch(context.egress, rewriteUrl(new URL(source), context.endpointRewrites), { signal: context.signal });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return await readLimitedText(response, context.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, `the script source ${source}`);
    }
    return await readLocalFile(source, context, 'script source');
  } catch (error) {
    if (isWorkflowError(error)) throw error;
    throw workflowError('communication', `the script source ${source} could not be read: ${(error as Error).message}`);
  }
}
