/**
 * The access log: one pino line per request, written when the response has gone out. It names the
 * route pattern rather than the raw URL, so serials and mailboxes in paths or query strings stay out
 * of the log; headers (Authorization above all) and bodies (CSRs, PEMs, tokens) are never logged.
 */
import type { FastifyInstance } from 'fastify';

/** Paths pino censors should anything ever log a request or its headers. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'request.headers.authorization',
  'headers.authorization',
  'authorization',
  'token',
  '*.token',
];

export function installAccessLog(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({
      method: request.method,
      route: request.routeOptions.url ?? null,
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
      operator: request.principal?.actor.name ?? null,
    }, 'request');
  });
}
