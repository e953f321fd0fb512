import { Command } from '@commander-js/extra-typings';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerValidate } from '../../src/cli/commands/validate.ts';
import { EXIT } from '../../src/cli/exit-codes.ts';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('cairn validate --json (in process)', () => {
  it('prints every file with its located issues as JSON and sets exit code 2', async () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    const program = new Command('cairn');
    registerValidate(program);
    await program.parseAsync(['validate', '--json', 'test/loader/fixtures/valid.yaml', 'test/loader/fixtures/semantic-errors.yaml', 'missing.yaml'], { from: 'user' });
    const results = JSON.parse(written.join('')) as Array<{ file: string; valid: boolean; issues: Array<{ line: number; column: number; code: string; path: string }> }>;
    expect(results.map((r) => [r.file, r.valid, r.issues.length])).toEqual([
      ['test/loader/fixtures/valid.yaml', true, 0],
      ['test/loader/fixtures/semantic-errors.yaml', false, 8],
      ['missing.yaml', false, 1],
    ]);
    expect(results[1]?.issues[0]).toMatchObject({ line: 12, column: 13, code: 'CAIRN_ERR_THEN_TARGET', path: '/do/0/first/then' });
    expect(results[2]?.issues[0]).toMatchObject({ line: 1, column: 1, code: 'CAIRN_ERR_UNREADABLE' });
    expect(process.exitCode).toBe(EXIT.invalid);
  });
});
