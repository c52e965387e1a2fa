/**
 * Prometheus metrics (text exposition format 0.0.4) at `GET /metrics`, from a registry owned by one
 * app, so that several apps in one process (tests) keep separate counts. The endpoint has no
 * authentication: expose it only to the scraper (firewall or reverse-proxy rule).
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class HttpMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'mcms_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'mcms_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    registers: [this.registry],
  });
  private readonly issued = new Counter({
    name: 'mcms_certificates_issued_total',
    help: 'Certificates issued through this HTTP server, by certificate profile',
    labelNames: ['profile'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** `route` is the pattern (`/api/v1/certificates/:serial`), never the raw URL, to bound cardinality. */
  observeRequest(labels: { method: string; route: string; status: number }, seconds: number): void {
    this.requests.inc({ method: labels.method, route: labels.route, status: String(labels.status) });
    this.duration.observe({ method: labels.method, route: labels.route }, seconds);
  }

  /** Requests answered outside fastify (the OCSP fast path), counted in batches; their durations are not sampled. */
  countRequests(labels: { method: string; route: string; status: number }, requests: number): void {
    this.requests.inc({ method: labels.method, route: labels.route, status: String(labels.status) }, requests);
  }

  certificateIssued(profile: string): void {
    this.issued.inc({ profile });
  }
}

export function installMetrics(app: FastifyInstance, metrics: HttpMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeRequest({ method: request.method, route, status: reply.statusCode }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', {
    schema: {
      summary: 'Prometheus metrics',
      description: 'Text exposition format. Unauthenticated: restrict it to the scraper at the network.',
      tags: ['operations'],
      response: { 200: { description: 'metrics', content: { 'text/plain': { schema: { type: 'string' } } } } },
    },
  }, async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
