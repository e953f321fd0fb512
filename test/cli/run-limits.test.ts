import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function cairn(args: string[]): Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['bin/cairn.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
}

describe('cairn run --max-memory', () => {
  // A value that doubles in one step grows an array's backing store at once: the allocation that can
  // abort V8 itself when the thread's heap is small.
  const doubling = join(mkdtempSync(join(tmpdir(), 'cairn-memory-')), 'doubling.yaml');
  writeFileSync(doubling, `document: { dsl: '1.0.0', namespace: test, name: doubling, version: '1.0.0' }
do:
  - grow:
      set:
        size: '\${ reduce range(40) as $i ([1]; . + .) | length }'
`);

  it('refuses a heap below 128 MiB, where V8 can abort the whole process instead of stopping the thread', async () => {
    const refused = await cairn(['run', doubling, '--max-memory', '64', '--quiet']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--max-memory must be at least 128 (MiB), got "64"');
  });

  it('at the smallest heap allowed, a doubling value ends the execution with the memory limit error; the process exits normally', { timeout: 60_000 }, async () => {
    const result = await cairn(['run', doubling, '--max-memory', '128', '--quiet']);
    expect(result.signal).toBeNull();
    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/"code":"CAIRN_ERR_LIMIT","limit":"max-memory"|Invalid array length/);
  });
});
