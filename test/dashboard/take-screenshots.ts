// Takes the README's dashboard screenshots (docs/dashboard-*.png) against the real service:
// `npx tsx test/dashboard/take-screenshots.ts` (builds the dashboard first when its bundle is stale).
import { readFileSync } from 'node:fs';
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
await api('/v1/executions', { document: failing });
await api('/v1/executions', { workflow: { namespace: 'examples', name: 'order-pipeline' }, input: order });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${service.url}/?token=${service.token}`);
  await api('/v1/executions', { document: waiting });
  await page.locator('tr[data-execution]').nth(2).waitFor();
  await page.waitForTimeout(600);
  await page.screenshot({ path: 'docs/dashboard-executions.png' });

  // The same pipeline with a slower north warehouse, so the picture shows a run in progress.
  const slowNorth = pipeline.replace('wait: { milliseconds: 300 }', 'wait: { seconds: 5 }');
  const running = await api('/v1/executions', { document: slowNorth, input: order });
  await page.goto(`${service.url}/#/executions/${running.id}`);
  await page.locator('.task-node[data-pointer="/do/4/checkStock/fork/branches/1/warehouseSouth"][data-status="completed"]').waitFor();
  await page.locator('.task-node[data-pointer="/do/4/checkStock/fork/branches/0/warehouseNorth"][data-status="running"]').waitFor();
  await page.click('.task-node[data-pointer="/do/0/priceItems/do/0/addLine"]');
  await page.screenshot({ path: 'docs/dashboard-execution.png' });
} finally {
  await browser.close();
  await service.close();
}
