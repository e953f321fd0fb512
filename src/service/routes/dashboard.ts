import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

/** Where `npm run build:dashboard` writes the dashboard. */
export const DASHBOARD_DIST = fileURLToPath(new URL('../../../dashboard/dist/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
};

export interface DashboardRouteOptions {
  /** Folder of the built dashboard; defaults to `dashboard/dist` of this checkout. */
  root?: string;
}

/**
 * Serves the built dashboard: `/` is its page, `/assets/*` its hashed bundles (cached for a year,
 * since their names change with their content). Without a build, `/` says how to make one.
 */
export async function dashboardRoutes(app: FastifyInstance, options: DashboardRouteOptions = {}): Promise<void> {
  const root = resolve(options.root ?? DASHBOARD_DIST);

  app.get('/', async (_request, reply) => {
    const index = join(root, 'index.html');
    if (!existsSync(index)) {
      return reply.code(503).type('text/plain; charset=utf-8').send('The dashboard is not built: run `npm run build:dashboard`.\n');
    }
    return reply.type(CONTENT_TYPES['.html']!).header('cache-control', 'no-cache').send(await readFile(index));
  });

  app.get<{ Params: { '*': string } }>('/assets/*', async (request, reply) => {
    const file = resolve(root, 'assets', request.params['*']);
    // Never serve outside the assets folder (`..` in the path).
    if (!file.startsWith(join(root, 'assets') + sep) || !existsSync(file)) return reply.code(404).send({ message: 'not found' });
    return reply
      .type(CONTENT_TYPES[extname(file)] ?? 'application/octet-stream')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(await readFile(file));
  });
}
