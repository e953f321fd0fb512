import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for an OpenTelemetry collector (no collector is installed here): a loopback OTLP/HTTP
 * endpoint that decodes what arrives at one signal's path (`/v1/metrics`, `/v1/traces`) and keeps
 * it, in order, answering every request with success (or with `status`: 400 makes an endpoint that
 * refuses everything, which the exporter does not retry).
 */
export interface OtlpReceiver<Item> {
  /** The whole signal endpoint (what OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT names). */
  endpoint: string;
  /** The base URL (what OTEL_EXPORTER_OTLP_ENDPOINT names). */
  base: string;
  /** Every item of every request received so far, in order. */
  items: Item[];
  close(): Promise<void>;
}

export async function startOtlpReceiver<Item>(path: string, decode: (body: Buffer) => Item[], status = 200): Promise<OtlpReceiver<Item>> {
  const items: Item[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === path) items.push(...decode(Buffer.concat(chunks)));
      response.writeHead(status, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { endpoint: `${base}${path}`, base, items, close: () => new Promise((done) => server.close(() => done())) };
}
