import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const LISTEN = `document: { dsl: '1.0.3', namespace: cli, name: approval, version: '1.0.0' }
do:
  - awaitApproval:
      listen:
        to:
          one:
            with: { type: com.example.approved }
  - done:
      set: '\${ { approvedBy: .[0].by } }'
`;
const dir = mkdtempSync(join(tmpdir(), 'cairn-run-events-'));
const file = join(dir, 'approval.yaml');
writeFileSync(file, LISTEN);
const approved = { specversion: '1.0', id: 'e1', source: 'test', type: 'com.example.approved', data: { by: 'ana' } };

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cairn(args: string[], options: { stdin?: string; until?: RegExp } = {}): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/cairn.js', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
      // One Ctrl-C: a second one, arriving after the run disposed its handler, would kill the process.
      if (!interrupted && options.until?.test(stderr)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    if (options.stdin !== undefined) child.stdin.write(options.stdin);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('cairn run delivers events to listen tasks', () => {
  it('from --event FILE', async () => {
    const eventFile = join(dir, 'approved.json');
    writeFileSync(eventFile, JSON.stringify(approved));
    const result = await cairn(['run', file, '--event', eventFile, '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ approvedBy: 'ana' });
  }, 60_000);

  it('from NDJSON on stdin with --event -', async () => {
    const result = await cairn(['run', file, '--event', '-', '--quiet'], { stdin: `${JSON.stringify(approved)}\n` });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ approvedBy: 'ana' });
  }, 60_000);

  it('without events says how to give them and keeps waiting (no silent exit 13); Ctrl-C cancels', async () => {
    const result = await cairn(['run', file, '--quiet'], { until: /waits for an event/ });
    expect(result.stderr).toContain('--event FILE');
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^cancelled$/m);
  }, 60_000);

  it('rejects an event file that is not a CloudEvent, naming the file and the attribute', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ type: 'x' }));
    const result = await cairn(['run', file, '--event', bad]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--event ${bad}: CloudEvent attribute "specversion" must be a non-empty string`);
  }, 60_000);
});
