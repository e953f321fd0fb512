import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../cli/start-service.ts';
import { launchChromium } from './browser.ts';
import { ensureDashboardBuilt } from './ensure-built.ts';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const header = (name: string) => `document: { dsl: '1.0.3', namespace: views, name: ${name}, version: '1.0.0' }\n`;
const QUICK = `${header('quick')}do:\n  - note:\n      set: { ok: true }\n`;
const FAILING = `${header('failing')}do:
  - prepare:
      set: { order: 7 }
  - charge:
      raise:
        error: { type: https://example.com/errors/card-declined, status: 402, title: Card declined, detail: the card was declined by the bank }
  - ship:
      set: { shipped: true }
`;
const LOOP = `${header('loop')}do:
  - eachItem:
      for: { in: '\${ [range(50)] }', each: n }
      do:
        - square:
            set: { n: '\${ $n }', square: '\${ $n * $n }' }
`;
const LISTEN = `${header('listening')}do:
  - awaitApproval:
      listen:
        to:
          one:
            with: { type: com.example.approved }
  - done:
      set: { approved: true }
`;

/** A loopback server that answers 503 to the first two requests and 200 after. */
function flakyServer(): Promise<Server> {
  let requests = 0;
  const server = createServer((_request, response) => {
    requests += 1;
    response.writeHead(requests <= 2 ? 503 : 200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(requests <= 2 ? { message: `busy ${requests}` } : { ok: true }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const retrying = (port: number) => `${header('retrying')}do:
  - fetchQuote:
      try:
        - get:
            call: http
            with: { method: get, endpoint: 'http://127.0.0.1:${port}/quote' }
      catch:
        errors: { with: { type: https://serverlessworkflow.io/spec/1.0.0/errors/communication } }
        retry:
          delay: { milliseconds: 200 }
          limit: { attempt: { count: 5 } }
`;

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: Array<{ target: string[] }>;
}

describe('dashboard views people reach for, in chromium against the real service', () => {
  let service: RunningService;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let flaky: Server;
  const faulted: string[] = [];
  let loopId = '';
  let retriedId = '';

  const api = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${service.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return (await response.json()) as T;
  };
  const start = (document: string, input: unknown = {}) => api<{ id: string }>('POST', '/v1/executions', { document, input });
  const until = async (id: string, status: string) => {
    for (let tries = 0; tries < 200; tries += 1) {
      const snapshot = await api<{ execution: { status: string } }>('GET', `/v1/executions/${id}`);
      if (snapshot.execution.status === status) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`execution ${id} never reached ${status}`);
  };
  const axeProblems = async (target: Page): Promise<string[]> => {
    await target.addScriptTag({ content: AXE_SOURCE });
    const violations = (await target.evaluate("axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations)")) as AxeViolation[];
    return violations.filter((item) => item.impact === 'serious' || item.impact === 'critical').map((item) => `${item.id}: ${item.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  };
  const open = async (hash: string) => {
    await page.goto(`${service.url}/${hash}`);
  };
  /** Runs in the page (the tests' TypeScript has no DOM types). */
  const inPage = <T>(target: Page, expression: string) => target.evaluate(expression) as Promise<T>;
  const noHorizontalScroll = () => inPage<boolean>(page, 'document.documentElement.scrollWidth <= window.innerWidth');

  beforeAll(async () => {
    ensureDashboardBuilt();
    service = await startService();
    flaky = await flakyServer();
    // 150 executions: 147 that complete and 3 that fault, interleaved.
    for (let index = 0; index < 150; index += 1) {
      const started = await start(index % 50 === 7 ? FAILING : QUICK, { index });
      if (index % 50 === 7) faulted.push(started.id);
    }
    for (const id of faulted) await until(id, 'faulted');
    loopId = (await start(LOOP)).id;
    retriedId = (await start(retrying((flaky.address() as AddressInfo).port))).id;
    await until(loopId, 'completed');
    await until(retriedId, 'completed');
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    await page.goto(`${service.url}/#login=${service.token}`);
    await page.locator('tr[data-execution]').first().waitFor();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await service?.close();
    flaky?.close();
  });

  it('signs in once from the login link and keeps the token out of the address bar', async () => {
    expect(page.url()).not.toContain(service.token);
    expect(await inPage(page, "localStorage.getItem('cairn.token')")).toBe(service.token);
    // A fresh browser without the token gets one sign-in form, and no token in any URL after signing in.
    const stranger = await browser.newPage();
    await stranger.goto(`${service.url}/`);
    await stranger.locator('[data-testid=login]').waitFor();
    expect(await stranger.locator('[data-testid=login]').count()).toBe(1);
    await stranger.fill('input[name=token]', service.token);
    await stranger.getByRole('button', { name: 'Sign in' }).click();
    await stranger.locator('tr[data-execution]').first().waitFor();
    expect(stranger.url()).not.toContain(service.token);
    await stranger.close();
  });

  it('finds the 3 faulted of 150 executions by the status filter (kept in the URL) and by id prefix', async () => {
    await open('#/');
    await page.locator('tr[data-execution]').first().waitFor();
    expect(await page.locator('tr[data-execution]').count()).toBe(50);
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.locator('tr[data-execution]').nth(99).waitFor();
    await page.locator('input[name=filter-status][value=faulted]').check();
    await page.waitForURL(/status=faulted/);
    await page.locator('[data-testid=shown-count]', { hasText: '3 shown' }).waitFor();
    const ids = await page.$$eval('tr[data-execution]', (rows) => rows.map((row) => row.getAttribute('data-execution')));
    expect(ids.sort()).toEqual([...faulted].sort());
    // The URL alone reproduces the view.
    await page.reload();
    await page.locator('[data-testid=shown-count]', { hasText: '3 shown' }).waitFor();
    expect(await page.locator('input[name=filter-status][value=faulted]').isChecked()).toBe(true);
    // The id as the list shows it (shortened) is the prefix people search by.
    const prefix = (await page.locator(`tr[data-execution="${faulted[1]}"] code`).textContent())!;
    expect(faulted[1]!.startsWith(prefix)).toBe(true);
    // Several statuses at once.
    await page.locator('input[name=filter-status][value=completed]').check();
    await page.waitForURL(/status=faulted%2Ccompleted|status=faulted,completed/);
    await page.locator('[data-testid=shown-count]', { hasText: 'more below' }).waitFor();
    await page.locator('input[name=filter-status][value=completed]').uncheck();
    await page.locator('input[name=filter-status][value=faulted]').uncheck();
    await page.fill('input[name=filter-id]', prefix);
    await page.press('input[name=filter-id]', 'Enter');
    await page.waitForURL(new RegExp(`id=${prefix}`));
    await page.locator('[data-testid=shown-count]', { hasText: '1 shown' }).waitFor();
    expect(await page.locator('tr[data-execution]').getAttribute('data-execution')).toBe(faulted[1]);
    const byApi = await api<{ items: Array<{ id: string }> }>('GET', `/v1/executions?status=faulted,cancelled&idPrefix=${faulted[2]!.slice(0, 8)}`);
    expect(byApi.items.map((item) => item.id)).toContain(faulted[2]);
    expect(byApi.items.every((item) => item.id.startsWith(faulted[2]!.slice(0, 8)))).toBe(true);
  }, 60_000);

  it("shows a faulted run's failure summary without scrolling at 1280×800, and its link selects the failing task", async () => {
    await open(`#/executions/${faulted[0]}`);
    const summary = page.locator('[data-testid=failure-summary]');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('Card declined');
    expect(await summary.textContent()).toContain('charge');
    const box = await summary.boundingBox();
    expect(box!.y + box!.height).toBeLessThanOrEqual(800);
    await summary.locator('a.failing-task').click();
    await page.waitForURL(/task=/);
    const panel = page.locator('[data-testid=task-panel]');
    expect(await panel.getAttribute('data-pointer')).toBe('/do/1/charge');
    expect(JSON.parse((await panel.locator('[data-testid=task-error]').textContent())!)).toMatchObject({ title: 'Card declined', status: 402 });
    // The workflow input is on the first screen too.
    expect(JSON.parse((await page.locator('[data-testid=workflow-input-json]').textContent())!)).toEqual({ index: 7 });
    expect(await page.locator('.task-node[data-pointer="/do/1/charge"]').getAttribute('data-status')).toBe('faulted');
  }, 30_000);

  it("shows a retried task's two failed attempts with their errors and backoff, in the panel and the timeline", async () => {
    await open(`#/executions/${retriedId}?task=/do/0/fetchQuote`);
    const attempts = page.locator('[data-testid=task-panel] [data-testid=attempts] li');
    await attempts.first().waitFor();
    expect(await attempts.count()).toBe(2);
    const texts = await attempts.allTextContents();
    expect(texts[0]).toContain('attempt 1');
    expect(texts[1]).toContain('attempt 2');
    for (const text of texts) {
      expect(text).toMatch(/503/);
      expect(text).toContain('then waited 200 ms');
    }
    expect(await page.locator('.timeline-bar.attempt').count()).toBe(2);
    expect(await page.locator('.task-node[data-pointer="/do/0/fetchQuote"] .task-attempts').textContent()).toBe('↻3');
  }, 30_000);

  it('reaches iteration 3 of a 50-item loop: paged newest first, collapsed JSON with a copy button, 50/50 on the for node', async () => {
    await open(`#/executions/${loopId}`);
    expect(await page.locator('.task-node[data-pointer="/do/0/eachItem"] [data-testid=loop-progress]').textContent()).toBe('50/50');
    // Each page comes from the service, not from the whole loop held in the browser.
    const pages: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes(`/v1/executions/${loopId}/tasks?`)) pages.push(new URL(request.url()).searchParams.toString());
    });
    await page.locator('.task-node[data-pointer="/do/0/eachItem/do/0/square"]').click();
    const panel = page.locator('[data-testid=task-panel]');
    await panel.locator('.instance[data-iteration="49"]').waitFor();
    expect(await panel.locator('.instance').count()).toBe(10);
    expect(await panel.locator('.instance').first().getAttribute('data-iteration')).toBe('49');
    // Paging older reaches the first iterations; the iteration box jumps straight there.
    for (let index = 0; index < 4; index += 1) {
      await panel.getByRole('button', { name: 'Older' }).click();
      await panel.locator(`.instance[data-iteration="${39 - index * 10}"]`).waitFor();
    }
    expect(await panel.locator('.instance').last().getAttribute('data-iteration')).toBe('0');
    expect(pages).toHaveLength(5);
    expect(pages.every((query) => query.includes('limit=10'))).toBe(true);
    await panel.getByRole('button', { name: 'Newer' }).click();
    await panel.locator('.instance[data-iteration="19"]').waitFor();
    await panel.locator('input[name=iteration]').fill('3');
    const third = panel.locator('.instance[data-iteration="3"]');
    await third.waitFor();
    expect(await panel.locator('.instance').count()).toBe(1);
    expect(pages.at(-1)).toContain('iteration=3');
    const output = third.locator('details.json-output');
    expect(await output.getAttribute('open')).toBeNull();
    await output.locator('summary').click();
    expect(JSON.parse((await output.locator('pre').textContent())!)).toEqual({ n: 3, square: 9 });
    expect(await output.locator('button.copy').count()).toBe(1);
  }, 30_000);

  it('goes from the list to a task output with the keyboard only, with a visible focus ring', async () => {
    const id = faulted[2]!;
    await open(`#/?id=${id}`);
    await page.locator(`tr[data-execution="${id}"]`).waitFor();
    const tabTo = async (matches: string) => {
      for (let presses = 0; presses < 80; presses += 1) {
        await page.keyboard.press('Tab');
        if (await inPage<boolean>(page, `document.activeElement?.matches(${JSON.stringify(matches)}) ?? false`)) return;
      }
      throw new Error(`Tab never reached ${matches}`);
    };
    await tabTo(`tr[data-execution="${id}"] a`);
    const outline = await inPage<string>(page, 'getComputedStyle(document.activeElement).outlineStyle');
    expect(outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.locator(`[data-testid=execution][data-id="${id}"]`).waitFor();
    await page.locator('.task-node[data-pointer="/do/0/prepare"]').waitFor();
    await tabTo('.task-node[data-pointer="/do/0/prepare"]');
    await page.keyboard.press('Enter');
    const panel = page.locator('[data-testid=task-panel][data-pointer="/do/0/prepare"]');
    await panel.waitFor();
    expect(JSON.parse((await panel.locator('[data-testid=task-output]').textContent())!)).toEqual({ order: 7 });
  }, 30_000);

  it('fits a 390 px viewport without horizontal scrolling', async () => {
    const narrow = await context.newPage();
    await narrow.setViewportSize({ width: 390, height: 844 });
    await narrow.goto(`${service.url}/#/`);
    await narrow.locator('tr[data-execution]').first().waitFor();
    expect(await inPage<number>(narrow, 'document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await narrow.goto(`${service.url}/#/executions/${faulted[0]}?task=/do/1/charge`);
    await narrow.locator('[data-testid=failure-summary]').waitFor();
    await narrow.locator('.task-node[data-pointer="/do/1/charge"]').waitFor();
    expect(await inPage<number>(narrow, 'document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await narrow.close();
    expect(await noHorizontalScroll()).toBe(true);
  }, 30_000);

  it('has no serious or critical accessibility violations (axe-core) on the list and execution pages, light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await open('#/?status=faulted');
      await page.locator('[data-testid=shown-count]', { hasText: '3 shown' }).waitFor();
      expect(await axeProblems(page), `list, ${scheme}`).toEqual([]);
      await open(`#/executions/${retriedId}?task=/do/0/fetchQuote`);
      await page.locator('[data-testid=attempts]').waitFor();
      expect(await axeProblems(page), `execution, ${scheme}`).toEqual([]);
      await open(`#/executions/${faulted[0]}`);
      await page.locator('[data-testid=failure-summary]').waitFor();
      expect(await axeProblems(page), `faulted execution, ${scheme}`).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await inPage(page, 'getComputedStyle(document.documentElement).backgroundColor')).toBe('rgb(20, 23, 29)');
    await page.emulateMedia({ colorScheme: 'light' });
  }, 60_000);

  it('shows a 404 page for an unknown execution id', async () => {
    await open('#/executions/no-such-execution');
    await page.locator('[data-testid=not-found]').waitFor();
    expect(await page.locator('[data-testid=execution]').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
  });

  it("shows what a listen task waits for and delivers an event from the send form", async () => {
    const started = await start(LISTEN);
    await open(`#/executions/${started.id}?task=/do/0/awaitApproval`);
    const filter = page.locator('[data-testid=listen-filter]');
    await filter.waitFor();
    expect(JSON.parse((await filter.textContent())!)).toEqual({ one: { with: { type: 'com.example.approved' } } });
    await page.locator('[data-testid=send-event]').waitFor({ timeout: 10_000 });
    expect(await page.inputValue('input[name=event-type]')).toBe('com.example.approved');
    await page.getByRole('button', { name: 'Send event' }).click();
    await page.locator(`[data-testid=execution][data-status="completed"]`).waitFor({ timeout: 10_000 });
    // The received CloudEvent itself, not only the task output.
    const received = page.locator('[data-testid=task-panel] [data-testid=consumed-events]');
    await received.waitFor({ state: 'attached' });
    expect(JSON.parse((await received.textContent())!)).toEqual([expect.objectContaining({ specversion: '1.0', type: 'com.example.approved' })]);
  }, 30_000);

  it('re-runs with the same input and shows the definition', async () => {
    const original = await start(QUICK, { again: 1 });
    await until(original.id, 'completed');
    await open(`#/executions/${original.id}`);
    await page.locator('[data-testid=definition] summary').click();
    expect(await page.locator('[data-testid=definition] pre').textContent()).toContain('name: quick');
    await page.getByRole('button', { name: 'Re-run' }).click();
    await page.waitForURL((url) => url.hash.startsWith('#/executions/') && !url.hash.includes(original.id));
    const rerunId = decodeURIComponent(page.url().split('#/executions/')[1]!.split('?')[0]!);
    await until(rerunId, 'completed');
    const snapshot = await api<{ execution: { input: unknown } }>('GET', `/v1/executions/${rerunId}`);
    expect(snapshot.execution.input).toEqual({ again: 1 });
  }, 30_000);

  it('runs `run: workflow` children registered at the service', async () => {
    await api('POST', '/v1/workflows', { document: `${header('child')}do:\n  - double:\n      set: { doubled: '\${ .n * 2 }' }\n` });
    const parent = await start(`${header('parent')}do:\n  - callChild:\n      run:\n        workflow: { namespace: views, name: child, version: '1.0.0', input: { n: 21 } }\n`);
    await until(parent.id, 'completed');
    const snapshot = await api<{ execution: { output: unknown } }>('GET', `/v1/executions/${parent.id}`);
    expect(snapshot.execution.output).toEqual({ doubled: 42 });
    const children = await api<{ items: Array<{ id: string }> }>('GET', `/v1/executions?parent=${parent.id}`);
    expect(children.items).toHaveLength(1);
    const childId = children.items[0]!.id;
    // Parent → child from the run: workflow task's panel, and back to the parent's task.
    await open(`#/executions/${parent.id}`);
    await page.locator('.task-node[data-pointer="/do/0/callChild"]').click();
    const link = page.locator(`[data-testid=child-executions] a[data-child="${childId}"]`);
    await link.click();
    await page.locator(`[data-testid=execution][data-id="${childId}"][data-status="completed"]`).waitFor();
    expect(JSON.parse((await page.locator('[data-testid=workflow-output]').textContent())!)).toEqual({ doubled: 42 });
    await page.locator('[data-testid=parent-link] a').click();
    await page.locator(`[data-testid=execution][data-id="${parent.id}"]`).waitFor();
    expect(await page.locator('[data-testid=task-panel]').getAttribute('data-pointer')).toBe('/do/0/callChild');
  }, 30_000);
});
