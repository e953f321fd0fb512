import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBystander } from './bystander.ts';
import { startServeProcess, type ServeProcess } from '../support/serve-process.ts';

let service: ServeProcess;
beforeAll(async () => {
  service = await startServeProcess();
}, 60_000);
afterAll(() => service?.stop());

describe('bystander (a concurrent client of a real `cairn serve`)', () => {
  it('measures /healthz and an unrelated SSE stream of a quiet service without failures', { timeout: 30_000 }, async () => {
    const bystander = await startBystander(service.url, service.token);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const report = await bystander.stop();
    expect(report.failures).toEqual([]);
    expect(report.healthP99Ms).toBeGreaterThan(0);
    expect(report.streamP99Ms).toBeGreaterThan(0);
    expect(report.healthP99Ms).toBeLessThan(250);
    expect(report.streamP99Ms).toBeLessThan(250);
  });
});
