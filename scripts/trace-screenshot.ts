// Renders the trace of the tracing tests' workflow (exported to a real Jaeger, read back from its
// query API) as a waterfall in chromium and saves docs/trace.png: `npx tsx scripts/trace-screenshot.ts`.
// (Jaeger's own UI is not part of the all-in-one built from the Go module, so the view is drawn here.)
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { InProcessEventBus } from '../src/bus/in-process-bus.ts';
import { EVENT_TYPES } from '../src/core/events.ts';
import { runOnHost } from '../src/hosts/index.ts';
import { startJaeger, tag, traceSpans, type JaegerSpan } from '../test/support/jaeger.ts';
import { flakyServer, tracedWorkflow } from '../test/observability/traced-workflow.ts';

const jaeger = await startJaeger();
process.env.OTEL_EXPORTER_OTLP_ENDPOINT = jaeger.otlpHttp;
process.env.OTEL_SERVICE_NAME = 'cairn';
const fixture = await flakyServer();
const bus = new InProcessEventBus();
const result = await runOnHost('local', tracedWorkflow(fixture.port), {}, {
  bus,
  onEvent: (event) => {
    if (event.type === EVENT_TYPES.workflowCorrelationStarted) setTimeout(() => void bus.publish({ specversion: '1.0', id: 'ready', source: 'docs', type: 'com.example.ready', data: {} }), 150);
  },
});
const found = (await (await fetch(`${jaeger.query}/api/traces?service=cairn&limit=1`)).json()) as { data: Array<{ traceID: string }> };
const traceId = found.data[0]!.traceID;
const spans = await traceSpans(jaeger, traceId, 9);

const byId = new Map(spans.map((span) => [span.spanID, span]));
const parentOf = (span: JaegerSpan) => span.references.find((reference) => reference.refType === 'CHILD_OF')?.spanID;
const depth = (span: JaegerSpan): number => {
  const parent = parentOf(span);
  return parent && byId.has(parent) ? depth(byId.get(parent)!) + 1 : 0;
};
const ordered: JaegerSpan[] = [];
const visit = (parent: string | undefined) => {
  for (const span of spans.filter((candidate) => (parentOf(candidate) && byId.has(parentOf(candidate)!) ? parentOf(candidate) : undefined) === parent).sort((a, b) => a.startTime - b.startTime)) {
    ordered.push(span);
    visit(span.spanID);
  }
};
visit(undefined);
const start = Math.min(...spans.map((span) => span.startTime));
const end = Math.max(...spans.map((span) => span.startTime + (span as JaegerSpan & { duration: number }).duration));
const rows = ordered
  .map((span) => {
    const duration = (span as JaegerSpan & { duration: number }).duration;
    const left = ((span.startTime - start) / (end - start)) * 100;
    const width = Math.max(0.4, (duration / (end - start)) * 100);
    const failed = tag(span, 'error') === true || tag(span, 'otel.status_code') === 'ERROR';
    const detail = [tag(span, 'cairn.task.pointer'), tag(span, 'cairn.task.attempt') !== undefined ? `attempt ${tag(span, 'cairn.task.attempt')}` : ''].filter(Boolean).join(' · ');
    return `<tr><td style="padding-left:${depth(span) * 18 + 6}px">${span.operationName}<div class="d">${detail}</div></td><td class="bar"><div style="left:${left}%;width:${width}%" class="${failed ? 'err' : ''}"></div><span style="left:${Math.min(left + width, 88)}%">${(duration / 1000).toFixed(1)} ms</span></td></tr>`;
  })
  .join('');
const html = `<html><body style="font:13px system-ui;margin:16px;width:1100px"><h3 style="margin:0 0 4px">Trace ${traceId} — service cairn, ${spans.length} spans (from Jaeger ${'v1.75.0'} /api/traces)</h3>
<div style="color:#666;margin-bottom:10px">workflow otel/traced: a fork, an HTTP call retried after a 500, a listen woken by a CloudEvent; status ${result.status}</div>
<style>table{border-collapse:collapse;width:100%}td{border-bottom:1px solid #eee;padding:4px 6px;vertical-align:top}td:first-child{width:330px}.d{color:#888;font-size:11px}.bar{position:relative}.bar div{position:absolute;top:8px;height:12px;background:#4a8fd8;border-radius:2px}.bar div.err{background:#d84a4a}.bar span{position:absolute;top:6px;margin-left:6px;font-size:11px;color:#555}</style>
<table>${rows}</table></body></html>`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const page = await browser.newPage({ viewport: { width: 1140, height: 200 } });
await page.setContent(html);
writeFileSync('docs/trace.png', await page.screenshot({ fullPage: true }));
await browser.close();
fixture.server.close();
await jaeger.stop();
console.log(`docs/trace.png: ${spans.length} spans of trace ${traceId}`);
process.exit(0);
