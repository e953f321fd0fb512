import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const cairn = (args: string[]) => spawnSync(process.execPath, ['bin/cairn.js', ...args], { encoding: 'utf8', timeout: 60_000 });
const dir = mkdtempSync(join(tmpdir(), 'cairn-cli-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const header = (name: string) => `document: { dsl: '1.0.3', namespace: test, name: ${name}, version: '1.0.0' }\n`;

describe('cairn run', () => {
  it('prints the output of a completed workflow on stdout, task progress on stderr, and exits 0', () => {
    const path = file('ok.yaml', `${header('ok')}do:\n  - greet:\n      set:\n        greeting: \${ "Hello \\(.name)" }\n`);
    const result = cairn(['run', path, '--input', '{"name":"Ada"}']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ greeting: 'Hello Ada' });
    expect(result.stderr).toContain('greet');
  });

  it('exits 1 with the RFC 7807 error as the last stderr line when the workflow faults', () => {
    const path = file('fault.yaml', `${header('fault')}do:\n  - fail:\n      raise:\n        error:\n          type: https://serverlessworkflow.io/spec/1.0.0/errors/runtime\n          status: 500\n          title: Boom\n`);
    const result = cairn(['run', path, '--quiet']);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(JSON.parse(lines.at(-1)!)).toEqual({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/runtime',
      status: 500,
      title: 'Boom',
      instance: '/do/0/fail',
    });
  });

  it('exits 2 with a located error for an invalid document', () => {
    const path = file('invalid.yaml', `${header('invalid')}do:\n  - jump:\n      set: { a: 1 }\n      then: nowhere\n`);
    const result = cairn(['run', path]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: .*nowhere`));
  });

  it('resolves catalog functions (name:version@catalog) before running', () => {
    cpSync('test/calls/catalog', join(dir, 'catalog'), { recursive: true });
    const path = file(
      'catalog.yaml',
      `${header('catalog')}use:\n  catalogs:\n    shop:\n      endpoint: file://${join(dir, 'catalog')}\ndo:\n  - price:\n      call: add-tax:1.0.0@shop\n      with:\n        amount: \${ .net }\n        rate: 0.2\n`,
    );
    const result = cairn(['run', path, '--quiet', '--input', '{"net":10}']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ total: 12 });
  });

  it('exits 3 when interrupted with Ctrl-C (SIGINT) while the workflow runs', async () => {
    const path = file('long.yaml', `${header('long')}do:\n  - nap:\n      wait: PT30S\n`);
    const child = spawn(process.execPath, ['bin/cairn.js', 'run', path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let interrupted = false;
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
      if (!interrupted && stderr.includes('nap')) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(3);
    expect(stderr.trim().split('\n').at(-1)).toBe('cancelled');
  });

  it('exits 4 when the Temporal host cannot be reached', () => {
    const path = file('remote.yaml', `${header('remote')}do:\n  - noop:\n      set: { a: 1 }\n`);
    const result = cairn(['run', path, '--host', 'temporal', '--temporal', '127.0.0.1:1', '--quiet']);
    expect(result.status).toBe(4);
    expect(result.stderr).toContain('127.0.0.1:1');
  }, 90_000);

  it('exits 2 when the input is not JSON', () => {
    const path = file('input.yaml', `${header('input')}do:\n  - noop:\n      set: { a: 1 }\n`);
    const result = cairn(['run', path, '--input', '{oops']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--input');
  });
});

describe('cairn eval', () => {
  it('prints each result as one compact JSON line', () => {
    const result = cairn(['eval', '.items[] | {name}', '--input', '{"items":[{"name":"a","x":1},{"name":"b"}]}']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('{"name":"a"}\n{"name":"b"}\n');
  });

  it('accepts ${ } and variables given with --var', () => {
    const result = cairn(['eval', '${ $context.total + $n }', '--var', 'context={"total":40}', '--var', 'n=2']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('42\n');
  });

  it('reports a failing expression on stderr and exits non-zero', () => {
    const result = cairn(['eval', '.a + 1', '--input', '{"a":"text"}']);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/cannot be added/);
  });

  it('never shows host environment variables to expressions', () => {
    const result = spawnSync(process.execPath, ['bin/cairn.js', 'eval', '[env[]?, $ENV[]?] | map(tostring) | join(" ")'], {
      encoding: 'utf8',
      env: { ...process.env, CAIRN_TEST_SECRET_ENV: 'do-not-leak-4f9a' },
    });
    expect(result.stdout + result.stderr).not.toContain('do-not-leak-4f9a');
  });
});
