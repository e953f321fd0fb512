import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/core/events.ts';
import { startService, type RunningService } from './start-service.ts';
import { freePort } from '../support/free-port.ts';

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `cairn …` without blocking this process (the service under test lives in it). */
function cairn(args: string[], env: Record<string, string> = {}): Promise<CliResult> & { started: Promise<void> } {
  const child = spawn(process.execPath, ['bin/cairn.js', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const result = new Promise<CliResult>((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr }))) as Promise<CliResult> & { started: Promise<void> };
  result.started = new Promise((resolve) => child.on('spawn', () => resolve()));
  return result;
}

const dir = mkdtempSync(join(tmpdir(), 'cairn-service-cli-'));
const workflowFile = (name: string, body: string) => {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, `document: { dsl: '1.0.3', namespace: cli, name: ${name}, version: '1.0.0' }\n${body}`);
  return path;
};
const quick = workflowFile('quick', 'do:\n  - first:\n      set: { a: 1 }\n  - second:\n      set: { b: 2 }\n');
const failing = workflowFile('failing', 'do:\n  - boom:\n      raise:\n        error: { type: https://serverlessworkflow.io/spec/1.0.0/errors/runtime, status: 500, detail: broken }\n');
const slow = workflowFile('slow', 'do:\n  - nap:\n      wait: { seconds: 60 }\n');
const ticking = workflowFile('ticking', 'schedule:\n  every: { milliseconds: 500 }\ndo:\n  - tick:\n      set: { ticked: true }\n');

describe('service commands against a real service on loopback', () => {
  let service: RunningService;
  let common: string[];
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${service.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return (await response.json()) as Record<string, unknown>;
  };

  beforeAll(async () => {
    service = await startService();
    common = ['--service', service.url, '--token', service.token];
  });
  afterAll(async () => {
    await service.close();
  });

  it('registers and lists workflows, starts a run and lists it by workflow and status', async () => {
    const registered = await cairn(['workflows', 'register', quick, ...common]);
    expect(registered.status).toBe(0);
    expect(JSON.parse(registered.stdout)).toMatchObject({ namespace: 'cli', name: 'quick', version: '1.0.0' });
    const listed = await cairn(['workflows', 'list', ...common]);
    expect(listed.stdout).toContain('cli/quick  latest 1.0.0');

    const started = await cairn(['executions', 'start', 'cli/quick', '--input', '{"x":1}', ...common]);
    expect(started.status).toBe(0);
    const id = started.stdout.trim();
    const watched = await cairn(['watch', id, '--json', ...common]);
    expect(watched.status).toBe(0);

    const list = await cairn(['executions', 'list', '--workflow', 'cli/quick', '--status', 'completed', '--json', ...common]);
    expect((JSON.parse(list.stdout) as { items: Array<{ id: string }> }).items.map((item) => item.id)).toContain(id);
    const get = await cairn(['executions', 'get', id, ...common]);
    expect(JSON.parse(get.stdout)).toMatchObject({ execution: { id, status: 'completed', input: { x: 1 }, output: { b: 2 } } });
  });

  it('executions get prints inputs and outputs the service stored by reference (above 64 KiB)', async () => {
    const items = Array.from({ length: 5000 }, (_, index) => `item number ${index}`);
    const { id } = await api('POST', '/v1/executions', {
      document: `document: { dsl: '1.0.3', namespace: cli, name: large, version: '1.0.0' }\ndo:\n  - keep:\n      set: { items: '\${ .items }', kept: true }\n`,
      input: { items },
    });
    expect((await cairn(['watch', String(id), '--json', ...common])).status).toBe(0);
    const snapshot = (await api('GET', `/v1/executions/${id}`)) as { execution: Record<string, unknown>; tasks: Array<Record<string, unknown>> };
    expect(snapshot.execution).toMatchObject({ inputUri: expect.any(String), outputUri: expect.any(String) });
    expect(snapshot.execution.output).toBeUndefined();
    const get = await cairn(['executions', 'get', String(id), ...common]);
    expect(get.status).toBe(0);
    const printed = JSON.parse(get.stdout) as typeof snapshot;
    expect(printed.execution).toMatchObject({ input: { items }, output: { items, kept: true } });
    expect(printed.tasks[0]).toMatchObject({ ref: '/do/0/keep', output: { items, kept: true } });
  });

  it('lists the armed schedules, and scheduled runs show their trigger', async () => {
    expect((await cairn(['workflows', 'register', ticking, ...common])).status).toBe(0);
    const schedules = await cairn(['workflows', 'schedules', ...common]);
    expect(schedules.status).toBe(0);
    expect(schedules.stdout).toMatch(/^cli\/ticking@1\.0\.0 {2}every {2}next \d{4}-\d\d-\d\dT/m);
    let table = '';
    for (let attempt = 0; attempt < 100 && !table.includes('schedule.every'); attempt++) {
      table = (await cairn(['executions', 'list', '--workflow', 'cli/ticking', ...common])).stdout;
      if (!table.includes('schedule.every')) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(table.split('\n')[0]).toMatch(/^ID +WORKFLOW +STATUS +CREATED +TRIGGER$/);
    expect(table).toMatch(/cli\/ticking@1\.0\.0 .* schedule\.every/);
    // A version without a schedule disarms it.
    writeFileSync(ticking, "document: { dsl: '1.0.3', namespace: cli, name: ticking, version: '1.0.1' }\ndo:\n  - tick:\n      set: { ticked: true }\n");
    expect((await cairn(['workflows', 'register', ticking, ...common])).status).toBe(0);
    expect((await cairn(['workflows', 'schedules', ...common])).stdout).not.toContain('cli/ticking');
  });

  it('watch prints every event once and in order, and exits 0 when the run completes', async () => {
    const { id } = await api('POST', '/v1/executions', { document: `document: { dsl: '1.0.3', namespace: cli, name: q, version: '1.0.0' }\ndo:\n  - only:\n      set: { done: true }\n` });
    const result = await cairn(['watch', String(id), '--json', ...common]);
    expect(result.status).toBe(0);
    const events = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as ProgressEvent);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events.some((event) => event.type === 'io.serverlessworkflow.workflow.completed.v1')).toBe(true);
  });

  it('watch exits 1 when the run faults and draws the faulted task', async () => {
    const started = await cairn(['executions', 'start', failing, ...common]);
    const result = await cairn(['watch', started.stdout.trim(), ...common]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('✗ boom');
    // The status, then why: the run's RFC 7807 error.
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines.at(-2)).toBe('faulted');
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ status: 500, detail: 'broken', instance: '/do/0/boom' });
  });

  it('watch exits 3 when the run is cancelled, and cancel/suspend/resume report the new status', async () => {
    const id = (await cairn(['executions', 'start', slow, ...common])).stdout.trim();
    const watching = cairn(['watch', id, ...common]);
    // Wait until the run is inside its 60 s wait before controlling it.
    for (let tries = 0; tries < 100; tries++) {
      const snapshot = (await api('GET', `/v1/executions/${id}`)) as { tasks?: Array<{ status: string }> };
      if (snapshot.tasks?.some((task) => task.status === 'running')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const suspended = await cairn(['executions', 'suspend', id, ...common]);
    expect(suspended.status).toBe(0);
    expect(suspended.stdout.trim()).toMatch(new RegExp(`^${id} `));
    const cancelled = await cairn(['executions', 'cancel', id, '--reason', 'duplicate order', ...common]);
    expect(cancelled.status).toBe(0);
    const result = await watching;
    expect(result.status).toBe(3);
    expect(result.stderr.trimEnd().split('\n').slice(-2)).toEqual(['cancelled', 'reason: duplicate order']);
    const got = await cairn(['executions', 'get', id.slice(0, 8), ...common]);
    expect(JSON.parse(got.stdout).execution).toMatchObject({ status: 'cancelled', cancelReason: 'duplicate order' });
    // The reason is kept only while the execution has not ended.
    const late = await api('POST', `/v1/executions/${id}/cancel`, { reason: 'again' });
    expect(late.code).toBe('CAIRN_ERR_CONFLICT');
    expect(((await api('GET', `/v1/executions/${id}`)) as { execution: { cancelReason: string } }).execution.cancelReason).toBe('duplicate order');
  });

  it('sends CloudEvents to the service', async () => {
    const event = { specversion: '1.0', id: 'evt-1', source: 'urn:test', type: 'com.example.ping' };
    const result = await cairn(['events', 'send', JSON.stringify(event), ...common]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ accepted: 1 });
    const invalid = await cairn(['events', 'send', '{"id":"x"}', ...common]);
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toContain('specversion');
  });

  it('cairn serve refuses a malformed --retention before touching the data directory', async () => {
    const refused = await cairn(['serve', '--retention', 'forever', '--port', '0', '--data', join(tmpdir(), 'cairn-never-created')]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--retention must be a positive number of days, got "forever"');
    expect(existsSync(join(tmpdir(), 'cairn-never-created'))).toBe(false);
  });

  it('exits 2 for an unknown execution or a wrong token, with the service\'s message', async () => {
    const unknown = await cairn(['watch', 'no-such-execution', ...common]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no execution has an id starting with "no-such-execution"');
    const badToken = await cairn(['executions', 'list', '--service', service.url, '--token', 'wrong']);
    expect(badToken.status).toBe(2);
    expect(badToken.stderr).toContain('HTTP 401');
  });

  it('lists by several statuses and id prefix, pages with --cursor, and takes id prefixes wherever an id goes', async () => {
    // Two runs at least, so a page of one has a next page.
    await api('POST', '/v1/executions', { document: readFileSync(quick, 'utf8') });
    const started = await cairn(['executions', 'start', failing, ...common]);
    const failedId = started.stdout.trim();
    const prefix = failedId.slice(0, 13);
    const byPrefix = await cairn(['executions', 'list', '--status', 'faulted,completed', '--id', prefix, ...common]);
    expect(byPrefix.status, byPrefix.stderr).toBe(0);
    expect(byPrefix.stdout.trim().split('\n').slice(1).map((line) => line.split(/\s+/)[0])).toEqual([failedId]);
    const firstPage = await cairn(['executions', 'list', '--limit', '1', '--json', ...common]);
    const { items, nextCursor } = JSON.parse(firstPage.stdout) as { items: Array<{ id: string }>; nextCursor: string };
    const secondPage = await cairn(['executions', 'list', '--limit', '1', '--json', '--cursor', nextCursor, ...common]);
    const second = JSON.parse(secondPage.stdout) as { items: Array<{ id: string }> };
    expect(second.items).toHaveLength(1);
    expect(second.items[0]!.id).not.toBe(items[0]!.id);
    const got = await cairn(['executions', 'get', prefix, ...common]);
    expect(JSON.parse(got.stdout).execution.id).toBe(failedId);
    const badStatus = await cairn(['executions', 'list', '--status', 'faulted,broken', ...common]);
    expect(badStatus.status).toBe(2);
    expect(badStatus.stderr).toContain('--status: broken is not a status');
    const mistyped = await cairn(['executions', 'start', join(dir, 'missing.yaml'), ...common]);
    expect(mistyped.status).toBe(2);
    expect(mistyped.stderr).toContain('missing.yaml: no such file');
    expect(mistyped.stderr).not.toContain('--workflow');
  }, 180_000);

  it('takes the token from CAIRN_TOKEN', async () => {
    const result = await cairn(['workflows', 'list', '--service', service.url], { CAIRN_TOKEN: service.token });
    expect(result.status).toBe(0);
  });
});

describe('service commands without a service', () => {
  it('exit 4 when nothing listens at --service (watch gives up after --retry-for)', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const watch = await cairn(['watch', 'some-id', '--service', url, '--retry-for', '1']);
    expect(watch.status).toBe(4);
    expect(watch.stderr).toContain('cannot reach the Cairn service');
    const list = await cairn(['executions', 'list', '--service', url]);
    expect(list.status).toBe(4);
  });
});

describe('cairn watch across a dropped connection', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startService();
  });
  afterAll(async () => {
    await service.close();
  });

  it('reconnects with Last-Event-ID and still prints every event exactly once, in order', async () => {
    const target = new URL(service.url);
    const requests: string[] = [];
    let cut = false;
    // A loopback proxy that cuts the first event stream while the run is still going.
    const proxy = createServer((client) => {
      const upstream = connect(Number(target.port), target.hostname);
      let relayed = 0;
      let streaming = false;
      client.on('data', (chunk) => {
        // Requests are small: each arrives in one chunk, and a kept-alive connection carries several.
        const request = chunk.toString();
        if (/^(GET|POST) /.test(request)) requests.push(request);
        if (/^GET \S+\/events/.test(request)) streaming = true;
        upstream.write(chunk);
      });
      upstream.on('data', (chunk) => {
        // The first chunks (headers, backlog, first live events) pass; a later live event is dropped with the connection.
        if (streaming && !cut && ++relayed >= 4) {
          cut = true;
          client.destroy();
          upstream.destroy();
          return;
        }
        client.write(chunk);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      client.on('close', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    try {
      const steps = Array.from({ length: 8 }, (_, index) => `  - step${index}:\n      wait: { milliseconds: 100 }\n`).join('');
      const response = await fetch(`${service.url}/v1/executions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${service.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ document: `document: { dsl: '1.0.3', namespace: cli, name: steps, version: '1.0.0' }\ndo:\n${steps}` }),
      });
      const { id } = (await response.json()) as { id: string };
      const control = (action: string) =>
        fetch(`${service.url}/v1/executions/${id}/${action}`, { method: 'POST', headers: { authorization: `Bearer ${service.token}`, 'content-type': 'application/json' }, body: '{}' });
      // Hold the run until the watcher is connected, so the cut falls in the live part of the stream.
      await control('suspend');
      const watching = cairn(['watch', id, '--json', '--service', proxyUrl, '--token', service.token]);
      while (!requests.some((request) => /^GET \S+\/events/.test(request))) await new Promise((resolve) => setTimeout(resolve, 50));
      await control('resume');
      const result = await watching;
      expect(result.status).toBe(0);
      expect(cut).toBe(true);
      const streams = requests.filter((request) => /^GET \S+\/events/.test(request));
      expect(streams.length).toBeGreaterThanOrEqual(2);
      expect(streams[1]).toMatch(/last-event-id: \d+/i);
      const events = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as ProgressEvent);
      expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
      expect(events.at(-2)!.type).toBe('io.serverlessworkflow.workflow.completed.v1');
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
