import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

function cairn(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/cairn.js', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('cairn validate (spawned CLI)', () => {
  it('exits 0 and says valid for a valid document', () => {
    const result = cairn('validate', 'test/loader/fixtures/valid.yaml');
    expect(result.stdout).toBe('test/loader/fixtures/valid.yaml: valid\n');
    expect(result.status).toBe(EXIT.ok);
  });

  it('exits 2 and prints schema errors and bad then targets as file:line:col lines', () => {
    const result = cairn('validate', 'test/loader/fixtures/valid.yaml', 'test/loader/fixtures/schema-errors.yaml', 'test/loader/fixtures/semantic-errors.yaml');
    expect(result.status).toBe(EXIT.invalid);
    const lines = result.stderr.trim().split('\n').filter((line) => !line.includes(': warning: '));
    expect(lines).toContain("test/loader/fixtures/schema-errors.yaml:10:7: /do/0/missingEndpoint/with is missing the required property 'endpoint'");
    expect(lines).toContain(
      "test/loader/fixtures/semantic-errors.yaml:12:13: then 'nowhere' names no task of this task list; expected continue, exit, end or one of: first, branch, callIt, fromCatalog, fail, guarded",
    );
    expect(lines).toHaveLength(7 + 8);
    expect(result.stdout).toBe('test/loader/fixtures/valid.yaml: valid\n');
  });
});
