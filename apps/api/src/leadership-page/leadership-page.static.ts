import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from '@orgpulse/platform';
import type { FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where the build (apps/api/page/build-page.mjs) writes the page, next to the compiled API. */
export const PAGE_DIR = join(__dirname, '..', '..', 'page');

/**
 * Scripts only from this origin (no inline script, no eval); ECharts' tooltips set inline styles,
 * so styles allow them. The page talks only to this API (HTTP and graphql-ws).
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws: wss:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** The leadership page at GET / (contract §10): static files built from apps/api/page. */
export function serveLeadershipPage(app: NestFastifyApplication, logger: Logger, dir = PAGE_DIR): void {
  if (!existsSync(join(dir, 'index.html'))) {
    logger.warn({ dir }, 'the leadership page is not built (npm run build): GET / answers 404');
    return;
  }
  app.useStaticAssets({
    root: dir,
    prefix: '/',
    index: 'index.html',
    cacheControl: false, // setHeaders says no-cache
    // @fastify/static passes the reply (Nest's type still says a raw response)
    setHeaders: (res) => {
      void (res as unknown as FastifyReply).headers({
        'Content-Security-Policy': PAGE_CSP,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-cache',
      });
    },
  });
}
