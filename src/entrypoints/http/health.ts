/**
 * `GET /healthz`: liveness and readiness for load balancers and orchestrators. 200 when the database
 * answers and the issuing CA is loaded, 503 otherwise. No authentication and no details beyond the
 * two booleans, so that it may be exposed to the balancer.
 */
import type { FastifyInstance } from 'fastify';
import type { Mcms } from '../services.js';

const healthSchema = {
  type: 'object',
  required: ['status', 'database', 'ca'],
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded'] },
    database: { type: 'boolean', description: 'the database answers' },
    ca: { type: 'boolean', description: 'the issuing CA and its key are available' },
  },
} as const;

export async function healthRoutes(app: FastifyInstance, options: { mcms: Mcms }): Promise<void> {
  app.get('/healthz', {
    schema: {
      summary: 'Health of the database and the CA',
      tags: ['operations'],
      response: { 200: healthSchema, 503: healthSchema },
    },
  }, async (request, reply) => {
    const health = await options.mcms.health().catch((error: unknown) => {
      request.log.error({ err: error }, 'health check failed');
      return { ok: false, database: false, ca: false };
    });
    return reply.code(health.ok ? 200 : 503).send({ status: health.ok ? 'ok' : 'degraded', database: health.database, ca: health.ca });
  });
}
