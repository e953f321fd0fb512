import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SECRET = 'cli-secret-5be0c91d';
const workflow = fileURLToPath(new URL('./workflows/cli-secret-echo.yaml', import.meta.url));
const cairn = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, ['bin/cairn.js', ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });

describe('cairn run --secret', () => {
  it('provides secrets from env: and file: and never prints them (task tree, NDJSON events, final error)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cairn-cli-secret-')), 'token');
    writeFileSync(file, `${SECRET}\n`);
    const runs = [
      { source: 'token=env:CAIRN_TEST_SECRET', env: { CAIRN_TEST_SECRET: SECRET }, view: [] as string[] },
      { source: `token=file:${file}`, env: {}, view: ['--json'] },
    ];
    for (const { source, env, view } of runs) {
      const result = cairn(['run', workflow, '--secret', source, ...view], env);
      expect(result.status).toBe(1);
      // The NDJSON events carry task outputs: the process really got the secret.
      if (view.length > 0) expect(result.stderr).toContain(`length ${SECRET.length}`);
      expect(JSON.parse(result.stderr.trim().split('\n').at(-1)!)).toMatchObject({ status: 500, exitCode: 3, stderr: '[redacted]', instance: '/do/1/leak' });
      expect(`${result.stdout}${result.stderr}`).not.toContain(SECRET);
    }
  }, 120_000);

  it('exits 2 naming the source when a secret cannot be read', () => {
    const result = cairn(['run', workflow, '--secret', 'token=env:CAIRN_TEST_MISSING_SECRET']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("cairn run: secret 'token': environment variable CAIRN_TEST_MISSING_SECRET is not set");
  });
});
