import { describe, expect, it } from 'vitest';
import { fixture, HEADER, issuesOf, positions } from './load-helpers.ts';

describe('parsing and resource limits', () => {
  it('reports YAML syntax errors with their position', async () => {
    const issues = await issuesOf(`${HEADER}do:\n  - a: [1, 2\n`);
    expect(issues[0]?.code).toBe('CAIRN_ERR_YAML_SYNTAX');
    expect(issues[0]?.line).toBe(8);
  });

  it('reports JSON syntax errors with their position', async () => {
    const issues = await issuesOf(fixture('bad-syntax.json'), 'bad-syntax.json');
    expect(issues.map((i) => `${i.file}:${i.line}:${i.column}: ${i.message}`)).toEqual(['bad-syntax.json:4:30: Unexpected , in flow sequence']);
  });

  it('rejects duplicate keys and several documents in one file', async () => {
    expect(positions(await issuesOf(`${HEADER}document: {}\ndo: []\n`))).toEqual(['6:1 CAIRN_ERR_YAML_SYNTAX']);
    expect((await issuesOf(`${HEADER}do: []\n---\nb: 1\n`))[0]?.message).toBe('the file holds several YAML documents; a workflow is exactly one');
  });

  it('refuses more tasks than maxTasks (nested lists counted) before the schema checks', async () => {
    const nested = `${HEADER}do:\n  - outer:\n      do:\n        - a: {}\n        - b: {}\n  - c:\n      try:\n        - d: {}\n      catch:\n        do:\n          - e: {}\n`;
    // Six task entries, and the empty `a: {}` would fail the schema: the count comes first.
    expect(await issuesOf(nested, 'workflow.yaml', { maxTasks: 5 })).toMatchObject([{ code: 'CAIRN_ERR_TOO_LARGE', line: 1, message: 'the document declares more than 5 tasks (the limit)' }]);
    expect((await issuesOf(nested, 'workflow.yaml', { maxTasks: 6 })).map((issue) => issue.code)).not.toContain('CAIRN_ERR_TOO_LARGE');
  });

  it('refuses an alias bomb without expanding it', async () => {
    let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i <= 9; i++) bomb += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    const issues = await issuesOf(bomb);
    expect(positions(issues)).toEqual(['1:1 CAIRN_ERR_ALIAS_LIMIT']);
  });

  it('accepts a few aliases and copies their data', async () => {
    const text = `${HEADER}do:\n  - a:\n      set: &values\n        x: 1\n  - b:\n      set: *values\n`;
    const { loadWorkflow } = await import('../../src/loader/load-workflow.ts');
    const { sharedEngine } = await import('./load-helpers.ts');
    const document = loadWorkflow(text, 'w.yaml', { engine: await sharedEngine() });
    const [a, b] = document.do.map((entry) => Object.values(entry)[0] as { set: object });
    expect(b?.set).toEqual({ x: 1 });
    expect(b?.set).not.toBe(a?.set);
  });

  it('refuses nesting deeper than the limit, in block and flow style, without crashing the parser', async () => {
    let block = '';
    for (let depth = 0; depth < 250; depth++) block += `${' '.repeat(depth)}k:\n`;
    const blockIssues = await issuesOf(block);
    expect(blockIssues.map((i) => i.code)).toEqual(['CAIRN_ERR_TOO_DEEP']);
    expect(blockIssues[0]?.line).toBe(201);

    const flow = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    expect(positions(await issuesOf(flow))).toEqual(['1:1001 CAIRN_ERR_TOO_DEEP']);

    // 200,000 compact sequence levels on one line make the YAML parser abort the process.
    expect(positions(await issuesOf(`${'- '.repeat(200_000)}x`))).toEqual(['1:2001 CAIRN_ERR_TOO_DEEP']);
  });

  it('refuses a huge document before parsing it', async () => {
    const huge = `${HEADER}do:\n${'  - a:\n      set:\n        x: 1\n'.repeat(200_000)}`;
    expect(huge.length).toBeGreaterThan(5 * 1024 * 1024);
    expect(positions(await issuesOf(huge))).toEqual(['1:1 CAIRN_ERR_TOO_LARGE']);
    expect(positions(await issuesOf(`${HEADER}do: []\n`, 'w.yaml', { maxLength: 20 }))).toEqual(['1:1 CAIRN_ERR_TOO_LARGE']);
  });

  it('rejects values JSON cannot hold', async () => {
    const issues = await issuesOf(`${HEADER}do:\n  - a:\n      set:\n        x: .nan\n`);
    expect(issues.map((i) => `${i.line}:${i.column} ${i.code} ${i.path}`)).toEqual(['9:12 CAIRN_ERR_NOT_JSON /do/0/a/set/x']);
  });
});
