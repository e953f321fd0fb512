import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.ts';

const cairn = (args: string[]) => spawnSync(process.execPath, ['bin/cairn.js', ...args], { encoding: 'utf8', timeout: 60_000 });

describe('cairn validate DIR', () => {
  it('checks only the workflow documents of a folder and says how many other files it skipped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-validate-'));
    const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
    write('flow.yaml', "document: { dsl: '1.0.3', namespace: test, name: flow, version: '1.0.0' }\ndo:\n  - a:\n      set: { ok: true }\n");
    write('flow.json', JSON.stringify({ document: { dsl: '1.0.3', namespace: 'test', name: 'json-flow', version: '1.0.0' }, do: [{ b: { set: { ok: true } } }] }));
    write('package.json', JSON.stringify({ name: 'my-workflows', version: '1.0.0' }));
    write('input.json', JSON.stringify({ orderId: 7 }));
    write('values.yaml', 'replicas: 2\n');

    const valid = cairn(['validate', dir]);
    expect(valid.stdout.trim().split('\n').sort()).toEqual([`${join(dir, 'flow.json')}: valid`, `${join(dir, 'flow.yaml')}: valid`]);
    expect(valid.stderr).toContain('skipped 3 files without a workflow header (document.dsl)');
    expect(valid.status).toBe(EXIT.ok);

    // A workflow document with a problem is still found and reported.
    write('broken.yaml', "document: { dsl: '1.0.3', namespace: test, name: broken, version: '1.0.0' }\ndo:\n  - a:\n      set: { ok: true }\n      then: nowhere\n");
    const invalid = cairn(['validate', dir]);
    expect(invalid.stderr).toMatch(new RegExp(`${join(dir, 'broken.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: .*nowhere`));
    expect(invalid.stderr).not.toContain('package.json');
    expect(invalid.status).toBe(EXIT.invalid);

    // A file named on the command line is always checked.
    const named = cairn(['validate', join(dir, 'package.json')]);
    expect(named.status).toBe(EXIT.invalid);
  });
});
