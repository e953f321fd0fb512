// The tracing bench's other process: an OTLP/HTTP traces endpoint that counts the spans it
// receives and drops them, and the `/item` endpoint the HTTP-call workflow calls. Kept out of
// the bench's process so the CPU it measures is Cairn's alone, as with a real collector.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { protobufFields } from '../src/observability/protobuf-writer.ts';

let spans = 0;
let bytes = 0;

/** Spans in an ExportTraceServiceRequest: resource_spans(1) → scope_spans(2) → spans(2). */
function countSpans(message: Uint8Array, path: number[]): number {
  const [number, ...rest] = path;
  const fields = protobufFields(message).filter((field) => field.number === number);
  return rest.length === 0 ? fields.length : fields.reduce((count, field) => count + countSpans(field.body, rest), 0);
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    if (request.url === '/v1/traces') {
      const body = Buffer.concat(chunks);
      bytes += body.length;
      spans += countSpans(body, [1, 2, 2]);
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    } else if (request.url === '/item') response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    else if (request.url === '/count') response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ spans, bytes }));
    else response.writeHead(404).end();
  });
});
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => server.close());
