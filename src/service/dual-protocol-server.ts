import { createServer as createHttp1Server, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse, type ServerHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';

type Handler = (request: IncomingMessage | Http2ServerRequest, response: ServerResponse | Http2ServerResponse) => void;

const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0');
const SESSION_GRACE_MS = 1_000;

/**
 * A fastify `serverFactory` serving HTTP/1.1 and cleartext HTTP/2 (h2c, what gRPC clients speak
 * without TLS) on one port: each connection's first bytes pick the protocol. Browsers (SSE,
 * the dashboard) use HTTP/1.1; gRPC clients use HTTP/2 prior knowledge.
 */
export function dualProtocolServerFactory(handler: Handler): Server {
  const http1 = createHttp1Server(handler as (request: IncomingMessage, response: ServerResponse) => void);
  const http2 = createHttp2Server(handler as (request: Http2ServerRequest, response: Http2ServerResponse) => void);
  const http1Connection = http1.listeners('connection') as Array<(socket: Socket) => void>;
  http1.removeAllListeners('connection');
  http1.on('connection', (socket: Socket) => {
    socket.once('readable', () => {
      const head = socket.read(HTTP2_PREFACE.length) as Buffer | null ?? (socket.read() as Buffer | null);
      if (head) socket.unshift(head);
      if (head && head.length >= HTTP2_PREFACE.length && head.subarray(0, HTTP2_PREFACE.length).equals(HTTP2_PREFACE)) {
        http2.emit('connection', socket);
      } else {
        for (const listener of http1Connection) listener.call(http1, socket);
      }
    });
  });
  // Closing must not wait for HTTP/2 sessions that clients keep open: ask them to go away, then cut them.
  const sessions = new Set<ServerHttp2Session>();
  http2.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  const close = http1.close.bind(http1);
  http1.close = ((callback?: (error?: Error) => void) => {
    for (const session of sessions) {
      session.close();
      setTimeout(() => session.destroy(), SESSION_GRACE_MS).unref();
    }
    return close(callback);
  }) as typeof http1.close;
  return http1;
}
