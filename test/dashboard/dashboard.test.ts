import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_DIST } from '../../src/service/routes/dashboard.ts';
import { startService, type RunningService } from '../cli/start-service.ts';
import { launchChromium } from './browser.ts';
import { ensureDashboardBuilt } from './ensure-built.ts';

const header = (name: string) => `document: { dsl: '1.0.3', namespace: ui, name: ${name}, version: '1.0.0' }\n`;

/** Three steps, the middle one waiting long enough to be seen running. */
const STEPS = `${header('steps')}do:
  - prepare:
      set: { order: '\${ .order }', stage: prepared }
  - ship:
      wait: { milliseconds: 3000 }
  - finish:
      set: '\${ . + { stage: "done" } }'
`;
const WAITING = `${header('waiting')}do:\n  - hold:\n      wait: { seconds: 120 }\n  - never:\n      set: { reached: true }\n`;

/** 200 tasks in sequence, alternating sets and short waits, so they arrive over a few seconds. */
function twoHundredTasks(): string {
  const tasks = Array.from({ length: 200 }, (_, index) =>
    index % 2 === 0 ? `  - step${index}:\n      set: { n: ${index} }\n` : `  - step${index}:\n      wait: { milliseconds: 20 }\n`,
  );
  return `${header('two-hundred')}do:\n${tasks.join('')}`;
}

describe('dashboard in chromium against the real service', () => {
  let service: RunningService;
  let browser: Browser;
  let page: Page;

  const api = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${service.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return (await response.json()) as T;
  };
  const nodeStatus = (pointer: string) => page.locator(`.task-node[data-pointer="${pointer}"]`).getAttribute('data-status');
  const nodeStatuses = () =>
    page.$$eval('.task-node[data-pointer^="/"]', (nodes) => Object.fromEntries(nodes.map((node) => [node.getAttribute('data-pointer'), node.getAttribute('data-status')])));

  beforeAll(async () => {
    ensureDashboardBuilt();
    expect(existsSync(join(DASHBOARD_DIST, 'index.html'))).toBe(true);
    service = await startService();
    const registered = await api('POST', '/v1/workflows', { document: STEPS });
    expect(registered).toMatchObject({ namespace: 'ui', name: 'steps' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${service.url}/#login=${service.token}`);
    // Marks this document: if any step reloaded the page, the mark would be gone.
    await page.evaluate(() => ((globalThis as unknown as { cairnMark: number }).cairnMark = 42));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  it('starts a run of a registered workflow and shows its nodes turn completed live, without reloading', async () => {
    await page.locator('select[name=workflow]').selectOption('ui/steps');
    await page.fill('textarea[name=input]', '{"order": 7}');
    await page.click('button.primary');
    await page.waitForURL(/#\/executions\//);
    // The whole graph is drawn before the tasks are reached.
    await page.locator('.task-node[data-pointer="/do/2/finish"]').waitFor();
    await page.locator('.task-node[data-pointer="/do/1/ship"][data-status="running"]').waitFor({ timeout: 10_000 });
    expect(await nodeStatus('/do/0/prepare')).toBe('completed');
    expect(await nodeStatus('/do/2/finish')).toBe('pending');
    await page.locator('[data-testid=execution][data-status="completed"]').waitFor({ timeout: 10_000 });
    expect(await nodeStatuses()).toEqual({ '/do/0/prepare': 'completed', '/do/1/ship': 'completed', '/do/2/finish': 'completed' });
    expect(await page.evaluate(() => (globalThis as unknown as { cairnMark?: number }).cairnMark)).toBe(42);
  }, 60_000);

  it("opens a task's output and input", async () => {
    await page.click('.task-node[data-pointer="/do/0/prepare"]');
    const output = await page.locator('[data-testid=task-panel] [data-testid=task-output]').textContent();
    expect(JSON.parse(output!)).toEqual({ order: 7, stage: 'prepared' });
    const input = await page.locator('[data-testid=task-panel] [data-testid=task-input]').textContent();
    expect(JSON.parse(input!)).toEqual({ order: 7 });
  });

  it('shows the same state after a reload', async () => {
    const id = decodeURIComponent(page.url().split('#/executions/')[1]!);
    const before = await nodeStatuses();
    const lastSeq = await page.locator('[data-testid=execution]').getAttribute('data-last-seq');
    await page.reload();
    await page.locator('[data-testid=execution][data-streaming="false"]').waitFor();
    await page.locator('.task-node[data-pointer="/do/2/finish"]').waitFor();
    expect(await nodeStatuses()).toEqual(before);
    expect(await page.locator('[data-testid=execution]').getAttribute('data-last-seq')).toBe(lastSeq);
    const snapshot = await api<{ execution: { lastSeq: number } }>('GET', `/v1/executions/${id}`);
    expect(Number(lastSeq)).toBe(snapshot.execution.lastSeq);
  }, 30_000);

  it('lists executions live and filters them by workflow and status', async () => {
    await page.click('a.back');
    await page.locator('tr[data-execution]').first().waitFor();
    const started = await api<{ id: string }>('POST', '/v1/executions', { document: WAITING });
    // The new run appears without reloading, then the filters narrow the list.
    await page.locator(`tr[data-execution="${started.id}"]`).waitFor({ timeout: 10_000 });
    await page.locator('input[name=filter-status][value=completed]').check();
    await page.waitForURL(/status=completed/);
    await page.locator('[data-testid=shown-count]:not(:has-text("loading"))').waitFor();
    expect(await page.locator(`tr[data-execution="${started.id}"]`).count()).toBe(0);
    await page.locator('input[name=filter-status][value=completed]').uncheck();
    await page.locator('select[name=filter-workflow]').selectOption('ui/waiting');
    await page.waitForURL(/workflow=ui%2Fwaiting/);
    await page.locator(`tr[data-execution="${started.id}"]`).waitFor();
    expect(await page.locator('tr[data-execution]').count()).toBe(1);
    await page.locator('select[name=filter-workflow]').selectOption('');
    await api('POST', `/v1/executions/${started.id}/cancel`, {});
  }, 30_000);

  it('cancels a waiting run with the Cancel button', async () => {
    const started = await api<{ id: string }>('POST', '/v1/executions', { document: WAITING });
    await page.goto(`${service.url}/#/executions/${started.id}`);
    await page.locator(`[data-testid=execution][data-id="${started.id}"]`).waitFor();
    await page.locator('.task-node[data-pointer="/do/0/hold"][data-status="running"]').waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.fill('input[name=cancel-reason]', 'not needed');
    await page.getByRole('button', { name: 'Cancel execution' }).click();
    await page.locator(`[data-testid=execution][data-id="${started.id}"][data-status="cancelled"]`).waitFor({ timeout: 10_000 });
    await page.locator('.task-node[data-pointer="/do/0/hold"][data-status="cancelled"]').waitFor({ timeout: 10_000 });
    expect(await nodeStatus('/do/1/never')).toBe('pending');
    const snapshot = await api<{ execution: { status: string; cancelReason: string } }>('GET', `/v1/executions/${started.id}`);
    expect(snapshot.execution).toMatchObject({ status: 'cancelled', cancelReason: 'not needed' });
    // The reason stays on the page after a reload (it is stored, not only logged).
    await page.reload();
    expect(await page.locator('[data-testid=cancel-reason]').textContent()).toBe('reason: not needed');
  }, 30_000);

  it('suspends and resumes a run with the Suspend and Resume buttons', async () => {
    const steps = Array.from({ length: 8 }, (_, index) => `  - pause${index}:\n      wait: { milliseconds: 500 }\n`).join('');
    const started = await api<{ id: string }>('POST', '/v1/executions', { document: `${header('pausable')}do:\n${steps}` });
    await page.goto(`${service.url}/#/executions/${started.id}`);
    const root = page.locator(`[data-testid=execution][data-id="${started.id}"]`);
    await root.waitFor();
    await page.locator('.task-node[data-status="running"]').first().waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Suspend' }).click();
    await page.locator(`[data-testid=execution][data-id="${started.id}"][data-status="suspended"]`).waitFor({ timeout: 10_000 });
    // While suspended no further task starts.
    const statuses = await nodeStatuses();
    expect(statuses['/do/7/pause7']).toBe('pending');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.locator(`[data-testid=execution][data-id="${started.id}"][data-status="completed"]`).waitFor({ timeout: 15_000 });
    expect(await root.getAttribute('data-out-of-order')).toBe('0');
    expect(Object.values(await nodeStatuses())).toEqual(Array(8).fill('completed'));
  }, 40_000);

  it('fetches a large task output and workflow output, which the service stores by reference, when they are opened', async () => {
    const items = Array.from({ length: 5000 }, (_, index) => `item number ${index}`);
    const document = `${header('large')}do:\n  - keep:\n      set: { items: '\${ .items }', kept: true }\n`;
    const started = await api<{ id: string }>('POST', '/v1/executions', { document, input: { items } });
    await page.goto(`${service.url}/#/executions/${started.id}`);
    await page.locator(`[data-testid=execution][data-id="${started.id}"][data-status="completed"]`).waitFor({ timeout: 15_000 });

    const workflowOutput = page.locator('[data-testid=workflow-input] details.json-output');
    expect(await workflowOutput.getAttribute('data-uri')).toMatch(/\/values\/[0-9a-f]{64}$/);
    expect(await page.locator('[data-testid=workflow-output]').count()).toBe(0);
    await workflowOutput.locator('summary').click();
    expect(JSON.parse((await page.locator('[data-testid=workflow-output]').textContent())!)).toEqual({ items, kept: true });

    // A task with a single instance shows its input and output open: both are fetched.
    await page.click('.task-node[data-pointer="/do/0/keep"]');
    const output = await page.locator('[data-testid=task-panel] [data-testid=task-output]').textContent();
    expect(JSON.parse(output!)).toEqual({ items, kept: true });
    const input = await page.locator('[data-testid=task-panel] [data-testid=task-input]').textContent();
    expect(JSON.parse(input!)).toEqual({ items });
  }, 60_000);

  it('renders a run of 200 tasks live without falling behind: events applied in order, final state equals the service snapshot', async () => {
    const started = await api<{ id: string }>('POST', '/v1/executions', { document: twoHundredTasks() });
    await page.goto(`${service.url}/#/executions/${started.id}`);
    // Sample what the page shows while the run goes on: it must advance step by step, not jump to the end.
    const seen = new Set<string>();
    const root = page.locator(`[data-testid=execution][data-id="${started.id}"]`);
    await root.waitFor();
    while ((await root.getAttribute('data-streaming')) !== 'false') {
      seen.add((await root.getAttribute('data-last-seq')) ?? '');
      await page.waitForTimeout(50);
    }
    expect(seen.size).toBeGreaterThanOrEqual(3);
    await page.locator('.task-node[data-pointer="/do/199/step199"][data-status="completed"]').waitFor({ timeout: 30_000 });
    const snapshot = await api<{ execution: { status: string; lastSeq: number }; tasks: Array<{ ref: string; status: string }> }>('GET', `/v1/executions/${started.id}`);
    expect(await root.getAttribute('data-out-of-order')).toBe('0');
    expect(Number(await root.getAttribute('data-last-seq'))).toBe(snapshot.execution.lastSeq);
    expect(await root.getAttribute('data-status')).toBe(snapshot.execution.status);
    expect(snapshot.tasks).toHaveLength(200);
    expect(await nodeStatuses()).toEqual(Object.fromEntries(snapshot.tasks.map((task) => [task.ref, task.status])));
  }, 120_000);
});
