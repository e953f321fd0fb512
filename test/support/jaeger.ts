import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort } from './free-port.ts';

/** The Jaeger all-in-one scripts/install-tools.sh builds (pinned). */
export const JAEGER_BINARY = resolve(import.meta.dirname, '../../.tools/bin/jaeger-all-in-one');

export interface JaegerServer {
  /** OTLP over HTTP: what OTEL_EXPORTER_OTLP_ENDPOINT names. */
  otlpHttp: string;
  /** The query API (`/api/traces`). */
  query: string;
  stop(): Promise<void>;
}

export interface JaegerSpan {
  spanID: string;
  traceID: string;
  operationName: string;
  startTime: number;
  references: Array<{ refType: 'CHILD_OF' | 'FOLLOWS_FROM'; traceID: string; spanID: string }>;
  tags: Array<{ key: string; value: unknown }>;
  processID: string;
}

/** Starts Jaeger (v1 all-in-one, in-memory storage) on free loopback ports, and waits until it answers. */
export async function startJaeger(): Promise<JaegerServer> {
  if (!existsSync(JAEGER_BINARY)) throw new Error(`${JAEGER_BINARY} is missing: run scripts/install-tools.sh`);
  const [otlpHttp, otlpGrpc, query, queryGrpc, admin, collectorHttp, collectorGrpc] = await Promise.all(Array.from({ length: 7 }, freePort));
  const child: ChildProcess = spawn(
    JAEGER_BINARY,
    [
      `--collector.otlp.http.host-port=127.0.0.1:${otlpHttp}`,
      `--collector.otlp.grpc.host-port=127.0.0.1:${otlpGrpc}`,
      `--collector.http-server.host-port=127.0.0.1:${collectorHttp}`,
      `--collector.grpc-server.host-port=127.0.0.1:${collectorGrpc}`,
      `--query.http-server.host-port=127.0.0.1:${query}`,
      `--query.grpc-server.host-port=127.0.0.1:${queryGrpc}`,
      `--admin.http.host-port=127.0.0.1:${admin}`,
    ],
    { env: { PATH: process.env.PATH, SPAN_STORAGE_TYPE: 'memory' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const queryUrl = `http://127.0.0.1:${query}`;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`jaeger exited (${child.exitCode}): ${stderr}`);
    const ready = await fetch(`${queryUrl}/api/services`).then((response) => response.ok, () => false);
    if (ready) break;
    if (attempt > 300) {
      child.kill('SIGKILL');
      throw new Error(`jaeger did not answer within 30 s: ${stderr}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  return {
    otlpHttp: `http://127.0.0.1:${otlpHttp}`,
    query: queryUrl,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/** The spans Jaeger holds for a trace, once at least `atLeast` arrived (export is batched). */
export async function traceSpans(jaeger: JaegerServer, traceId: string, atLeast: number): Promise<JaegerSpan[]> {
  let spans: JaegerSpan[] = [];
  for (let attempt = 0; attempt < 100; attempt++) {
    const response = await fetch(`${jaeger.query}/api/traces/${traceId}`);
    if (response.ok) {
      const body = (await response.json()) as { data: Array<{ spans: JaegerSpan[] }> };
      spans = body.data.flatMap((trace) => trace.spans);
      if (spans.length >= atLeast) return spans;
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  return spans;
}

export function tag(span: JaegerSpan, key: string): unknown {
  return span.tags.find((candidate) => candidate.key === key)?.value;
}

/** The id of the span's parent (its CHILD_OF reference), if any. */
export function parentOf(span: JaegerSpan): string | undefined {
  return span.references.find((reference) => reference.refType === 'CHILD_OF')?.spanID;
}

/** Spans whose id an earlier span of the list already has, named: a trace should hold each span once. */
export function repeatedSpans(spans: JaegerSpan[]): string[] {
  return spans.filter((span, index) => spans.findIndex((other) => other.spanID === span.spanID) !== index).map((span) => `${span.operationName} ${span.spanID}`);
}
