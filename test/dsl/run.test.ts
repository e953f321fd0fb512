import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkflowRegistry } from '../../src/effects/run/workflow-registry.ts';
import { eventually, loadDslWorkflow, runDslWorkflow } from './dsl-helpers.ts';

const allow = { allowProcesses: true };
const scratch = mkdtempSync(join(tmpdir(), 'cairn-dsl-run-'));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('run: shell', () => {
  it('passes stdin and arguments as argv ($1 $2) and outputs stdout (spec example)', async () => {
    const result = await runDslWorkflow('run-shell-stdin-arguments', {}, allow);
    expect(result.status).toBe('completed');
    expect(result.output).toBe('STDIN was: Hello World\nARGS are Foo Bar');
  });

  it('returns all, code, stderr and none as asked, without faulting on non-zero exits for all and code', async () => {
    const result = await runDslWorkflow('run-shell-returns', {}, allow);
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ all: { code: 3, stdout: 'out', stderr: 'err' }, code: 7, stderr: 'warning', none: null });
  });

  it('faults with a runtime error carrying the exit code and stderr tail when stdout is asked for', async () => {
    const result = await runDslWorkflow('run-shell-failure', {}, allow);
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/runtime',
      status: 500,
      instance: '/do/0/failing',
      exitCode: 2,
      stderr: 'disk is full',
    });
    expect(result.error?.detail).toContain('exited with code 2: disk is full');
  });

  it('never lets an argument value run as shell code (; touch and $(touch) create no file)', async () => {
    rmSync('/tmp/pwned', { force: true });
    rmSync('/tmp/pwned2', { force: true });
    const input = { first: 'x; touch /tmp/pwned', second: '$(touch /tmp/pwned2)' };
    const result = await runDslWorkflow('run-shell-injection', input, allow);
    expect(result.status).toBe('completed');
    expect(result.output).toBe('Hello, x; touch /tmp/pwned and $(touch /tmp/pwned2)\nx; touch /tmp/pwned $(touch /tmp/pwned2)');
    expect(existsSync('/tmp/pwned')).toBe(false);
    expect(existsSync('/tmp/pwned2')).toBe(false);
  });

  it('sets the declared environment and does not leak the worker environment', async () => {
    process.env.CAIRN_TEST_WORKER_ONLY = 'leaked';
    try {
      const result = await runDslWorkflow('run-shell-environment', { greeting: 'hi' }, allow);
      expect(result.output).toBe('hi/unset/3');
    } finally {
      delete process.env.CAIRN_TEST_WORKER_ONLY;
    }
  });

  it('kills the process and the children it started when the task times out', async () => {
    const pidFile = join(scratch, 'timeout.pid');
    const result = await runDslWorkflow('run-shell-timeout', { pidFile }, allow);
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ status: 408, instance: '/do/0/slow' });
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    await eventually(() => !isAlive(grandchild), `background sleep ${grandchild} to be killed`);
  });

  it('with await: false outputs its input at once while the process keeps running', async () => {
    const marker = join(scratch, 'no-await.txt');
    const result = await runDslWorkflow('run-shell-no-await', { marker }, allow);
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ marker });
    expect(existsSync(marker)).toBe(false);
    await eventually(() => existsSync(marker), 'the detached process to write its marker');
    expect(readFileSync(marker, 'utf8')).toBe('finished\n');
  });

  it('faults with an authorization error (403) when the host does not allow processes (the API default)', async () => {
    const result = await runDslWorkflow('run-shell-stdin-arguments');
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/authorization', status: 403, instance: '/do/1/runShell' });
  });
});

describe('run: script', () => {
  it('runs JavaScript in a separate node process with argv, stdin and environment (spec example argv layout)', async () => {
    const result = await runDslWorkflow('run-script-js', { payload: { n: 1 } }, allow);
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ args: ['hello', 'world'], stdin: { n: 1 }, suffix: '!' });
  });

  it('runs Python code through python3', async () => {
    const result = await runDslWorkflow('run-script-python', { name: 'Ada' }, allow);
    expect(result.output).toEqual({ greeting: 'Hello Ada', argc: 2 });
  });

  it('reads the script from a source file', async () => {
    const script = join(scratch, 'double.py');
    writeFileSync(script, 'import sys\nprint(int(sys.argv[1]) * 2)\nsys.exit(4)\n');
    const result = await runDslWorkflow('run-script-source', { script }, allow);
    expect(result.output).toEqual({ code: 4, stdout: '42', stderr: '' });
  });
});

describe('run: container', () => {
  afterEach(() => {
    delete process.env.CAIRN_CONTAINER_CLI;
  });

  it('invokes docker run with the exact arguments, stdin and environment (stand-in docker executable on PATH, no engine here)', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'cairn-fake-docker-'));
    const record = join(bin, 'invocation.json');
    writeFileSync(
      join(bin, 'docker'),
      `#!${process.execPath}\nlet stdin='';process.stdin.on('data',c=>stdin+=c).on('end',()=>{require('fs').writeFileSync(${JSON.stringify(record)},JSON.stringify({argv:process.argv.slice(2),stdin,mode:process.env.MODE}));console.log('container ran')});\n`,
    );
    chmodSync(join(bin, 'docker'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}${delimiter}${path}`;
    try {
      const result = await runDslWorkflow('run-container', {}, allow);
      expect(result.status).toBe('completed');
      expect(result.output).toBe('container ran');
    } finally {
      process.env.PATH = path;
    }
    expect(JSON.parse(readFileSync(record, 'utf8'))).toEqual({
      argv: [
        'run', '--name', 'my-container', '--rm', '--interactive', '--pull=always',
        '--publish', '8080:80', '--volume', '/tmp/data:/data', '--env', 'MODE',
        '--', 'alpine:3.20', 'sh', '-c', 'input=$(cat)\necho "STDIN was: $input"\n', 'sh', 'Foo', 'Bar',
      ],
      stdin: 'Hello World',
      mode: 'test',
    });
  });
});

describe('run: workflow', () => {
  async function registry() {
    return createWorkflowRegistry(await Promise.all(['child-1.0.0', 'child-1.10.0', 'failing-child'].map(loadDslWorkflow)));
  }

  it('runs the latest registered version awaited, and starts a detached child that completes on its own', async () => {
    const childEvents: string[] = [];
    const result = await runDslWorkflow('run-workflow-parent', { value: 5 }, {
      workflows: await registry(),
      onEvent: (event) => {
        if (event.type === 'io.serverlessworkflow.workflow.completed.v1') childEvents.push(JSON.stringify(event.data.output));
      },
    });
    expect(result.status).toBe('completed');
    // The detached child outputs nothing into the parent: the task outputs its input (the awaited child's output).
    expect(result.output).toEqual({ result: 15, version: '1.10.0' });
    await eventually(() => childEvents.includes(JSON.stringify({ result: 200, version: '1.0.0' })), 'the detached child to complete');
  });

  it('faults the parent task with the child error, naming where the child faulted', async () => {
    const result = await runDslWorkflow('run-workflow-faulting', {}, { workflows: await registry() });
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ type: 'https://example.com/errors/out-of-stock', status: 409, instance: '/do/0/callChild' });
    expect(result.error?.detail).toContain('sub-workflow test/failing-child:0.1.0 faulted at /do/0/fail');
  });

  it('faults with a runtime error instead of recursing forever when a workflow runs itself', async () => {
    const recursive = await loadDslWorkflow('recursive');
    const result = await runDslWorkflow('recursive', {}, { workflows: createWorkflowRegistry([recursive]) });
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ status: 500, instance: '/do/0/again' });
    expect(result.error?.detail).toContain('would nest deeper than 16 levels');
  });

  it('cairn run --workflows DIR finds sub-workflows in a folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-registry-'));
    for (const name of ['child-1.0.0', 'child-1.10.0']) copyFileSync(fileURLToPath(new URL(`./workflows/${name}.yaml`, import.meta.url)), join(dir, `${name}.yaml`));
    const parent = fileURLToPath(new URL('./workflows/run-workflow-parent.yaml', import.meta.url));
    const cli = spawnSync(process.execPath, ['bin/cairn.js', 'run', parent, '--input', '{"value":2}', '--workflows', dir, '--quiet'], { encoding: 'utf8', timeout: 60_000 });
    expect(cli.status).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual({ result: 6, version: '1.10.0' });
  }, 90_000);

  it('faults with a configuration error when the workflow is not registered', async () => {
    const result = await runDslWorkflow('run-workflow-faulting', {}, { workflows: createWorkflowRegistry([]) });
    expect(result.error).toMatchObject({ status: 400, detail: 'workflow test/failing-child:0.1.0 is not in the workflow registry' });
  });
});
