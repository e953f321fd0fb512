// Takes the README's dashboard screenshots (docs/dashboard-*.png) against the real service:
// `npx tsx test/dashboard/take-screenshots.ts` (builds the dashboard first when its bundle is stale).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startService } from '../cli/start-service.ts';
import { launchChromium } from './browser.ts';
import { ensureDashboardBuilt } from './ensure-built.ts';

ensureDashboardBuilt();

const service = await startService();
const api = async (path: string, body: unknown) => {
  const response = await fetch(`${service.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${service.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string };
};
const pipeline = readFileSync('examples/order-pipeline.yaml', 'utf8');
const order = JSON.parse(readFileSync('examples/order.json', 'utf8')) as unknown;
await api('/v1/workflows', { document: pipeline });
const waiting = `document: { dsl: '1.0.3', namespace: examples, name: approval, version: '2.1.0' }\ndo:\n  - request:\n      set: { requested: true }\n  - awaitApproval:\n      wait: { minutes: 5 }\n`;
const failing = `document: { dsl: '1.0.3', namespace: examples, name: nightly-report, version: '1.0.0' }\ndo:\n  - fetch:\n      raise:\n        error: { type: https://serverlessworkflow.io/spec/1.0.0/errors/communication, status: 503, detail: upstream down }\n`;
const failed = await api('/v1/executions', { document: failing });
// A loopback endpoint busy twice, then fine: a retried task with two failed attempts.
let calls = 0;
const flaky = createServer((_request, response) => {
  calls += 1;
  response.writeHead(calls <= 2 ? 503 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ calls }));
});
await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
const retrying = `document: { dsl: '1.0.3', namespace: examples, name: quote-sync, version: '1.4.0' }
do:
  - fetchQuote:
      try:
        - get:
            call: http
            with: { method: get, endpoint: 'http://127.0.0.1:${(flaky.address() as AddressInfo).port}/quote' }
      catch:
        errors: { with: { type: https://serverlessworkflow.io/spec/1.0.0/errors/communication } }
        retry:
          delay: { milliseconds: 400 }
          backoff: { exponential: {} }
          limit: { attempt: { count: 5 } }
  - store:
      set: { stored: true }
`;
const retried = await api('/v1/executions', { document: retrying });
await api('/v1/executions', { workflow: { namespace: 'examples', name: 'order-pipeline' }, input: order });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${service.url}/#login=${service.token}`);
  await api('/v1/executions', { document: waiting });
  await page.locator('tr[data-execution]').nth(3).waitFor();
  await page.waitForTimeout(600);
  await page.screenshot({ path: 'docs/dashboard-executions.png' });
  await page.goto(`${service.url}/#/?status=faulted,running`);
  await page.locator('[data-testid=shown-count]', { hasText: 'shown' }).waitFor();
  await page.waitForTimeout(400);
  await page.screenshot({ path: 'docs/dashboard-filtered.png' });

  await page.goto(`${service.url}/#/executions/${failed.id}`);
  await page.locator('[data-testid=failure-summary] a.failing-task').click();
  await page.locator('[data-testid=task-panel] [data-testid=task-error]').waitFor();
  await page.waitForTimeout(400);
  await page.screenshot({ path: 'docs/dashboard-faulted.png' });

  await page.goto(`${service.url}/#/executions/${retried.id}?task=/do/0/fetchQuote`);
  await page.locator('[data-testid=execution][data-status=completed]').waitFor({ timeout: 20_000 });
  await page.locator('[data-testid=attempts]').waitFor();
  await page.waitForTimeout(400);
  await page.screenshot({ path: 'docs/dashboard-retried.png' });

  // The same pipeline with a slower north warehouse, so the picture shows a run in progress.
  const slowNorth = pipeline.replace('wait: { milliseconds: 300 }', 'wait: { seconds: 5 }');
  const running = await api('/v1/executions', { document: slowNorth, input: order });
  await page.goto(`${service.url}/#/executions/${running.id}`);
  await page.locator('.task-node[data-pointer="/do/4/checkStock/fork/branches/1/warehouseSouth"][data-status="completed"]').waitFor();
  await page.locator('.task-node[data-pointer="/do/4/checkStock/fork/branches/0/warehouseNorth"][data-status="running"]').waitFor();
  await page.click('.task-node[data-pointer="/do/0/priceItems/do/0/addLine"]');
  await page.screenshot({ path: 'docs/dashboard-execution.png' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForTimeout(300);
  await page.screenshot({ path: 'docs/dashboard-dark.png' });
} finally {
  flaky.close();
  await browser.close();
  await service.close();
}
