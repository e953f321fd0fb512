import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemporalServer, type DevServer } from '../support/temporal-server.ts';
import { startService, type RunningService } from './start-service.ts';
import { Terminal } from './terminal.ts';

const WAITING = `document: { dsl: '1.0.3', namespace: cli, name: hold, version: '1.0.0' }
do:
  - hold:
      wait: { seconds: 120 }
  - never:
      set: { reached: true }
`;
const CAIRN = join(process.cwd(), 'bin/cairn.js');

/** The run was cancelled cleanly: exit 3, a "cancelled" line, no stack trace. */
function expectCleanCancel(code: number, screen: string): void {
  expect(code, screen).toBe(3);
  expect(screen).toMatch(/^cancelled/m);
  expect(screen).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);
  expect(screen).not.toMatch(/Error:/);
}

describe('Ctrl-C in a real terminal ends every command with exit 3 and a "cancelled" line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-interrupt-'));
  const file = join(dir, 'hold.yaml');
  const terminals: Terminal[] = [];
  const terminal = (command: string, env?: Record<string, string>) => {
    const opened = new Terminal(command, env);
    terminals.push(opened);
    return opened;
  };
  let temporal: DevServer;
  let service: RunningService;

  beforeAll(async () => {
    writeFileSync(file, WAITING);
    [temporal, service] = await Promise.all([startTemporalServer(), startService()]);
  }, 120_000);

  afterAll(async () => {
    for (const opened of terminals) opened.close();
    await service?.close();
    await temporal?.stop();
  });

  it('cairn run (local host)', async () => {
    const run = terminal(`node ${CAIRN} run ${file}`);
    await run.waitFor(/hold\s+running/);
    run.pressCtrlC();
    const code = await run.exitCode();
    const screen = run.screen();
    expectCleanCancel(code, screen);
    expect(screen).toMatch(/hold\s+cancelled/);
  }, 90_000);

  it('cairn run --host temporal', async () => {
    const run = terminal(`node ${CAIRN} run ${file} --host temporal --temporal ${temporal.address}`);
    await run.waitFor(/hold\s+running/, 90_000);
    run.pressCtrlC();
    expectCleanCancel(await run.exitCode(), run.screen());
  }, 150_000);

  it('cairn watch', async () => {
    const response = await fetch(`${service.url}/v1/executions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${service.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ document: WAITING }),
    });
    const { id } = (await response.json()) as { id: string };
    const watch = terminal(`node ${CAIRN} watch ${id} --service ${service.url}`, { CAIRN_TOKEN: service.token });
    await watch.waitFor(/hold\s+running/);
    watch.pressCtrlC();
    expectCleanCancel(await watch.exitCode(), watch.screen());
    // Watching stopped; the execution itself goes on.
    const snapshot = (await (await fetch(`${service.url}/v1/executions/${id}`, { headers: { authorization: `Bearer ${service.token}` } })).json()) as { execution: { status: string } };
    expect(snapshot.execution.status).toBe('running');
  }, 90_000);
});
