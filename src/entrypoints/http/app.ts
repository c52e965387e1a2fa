/**
 * The HTTP edge: one fastify app holding a plugin per area (health, metrics, CA certificates, the
 * REST API, its OpenAPI document), and the server that runs it with keep-alive and a graceful close.
 * Everything reaches mcms through the `Mcms` facade; errors leave as RFC 9457 problem documents.
 */
import type { AddressInfo } from 'node:net';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { urlHost } from '../../lib/url-host.js';
import type { Mcms } from '../services.js';
import { REDACTED_PATHS, installAccessLog } from './access-log.js';
import { API_PREFIX, API_SCHEMAS, apiV1 } from './api/v1.js';
import { caCertificateRoutes } from './ca-certificates.js';
import { enrollRoutes } from './enroll/enroll.js';
import { healthRoutes } from './health.js';
import { HttpMetrics, installMetrics } from './metrics.js';
import { installOpenApi } from './openapi.js';
import { installProblemHandlers, problemSchema } from './problem.js';
import { scepRoutes } from './scep.js';
import { crlRoutes } from './crl.js';
import { ocspRoutes } from './ocsp.js';
import { OcspFastPath } from './ocsp-fast-path.js';

const KEEP_ALIVE_TIMEOUT_MS = 72_000;
const REQUEST_TIMEOUT_MS = 60_000;

export interface HttpOptions {
  logger: Logger;
}

export async function buildHttpApp(mcms: Mcms, options: HttpOptions): Promise<FastifyInstance> {
  const loggerInstance: FastifyBaseLogger = options.logger.child({ component: 'http' }, { redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
  const app = Fastify({
    loggerInstance,
    // fastify's own request lines are replaced by the access log: one line per request, on response.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: mcms.settings.bodyLimit,
    trustProxy: mcms.settings.trustProxy,
    // Longer than the usual 60 s idle timeout of load balancers, so that they close idle connections first.
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    // Bounds slow clients when no reverse proxy does (fastify's advice for servers facing the network).
    requestTimeout: REQUEST_TIMEOUT_MS,
    // Reject unknown body properties (`additionalProperties: false`) instead of silently dropping them.
    ajv: { customOptions: { removeAdditional: false } },
  });
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request, reply) => {
    // The id the access log carries, for support; nosniff because some bodies echo request input.
    reply.header('x-request-id', request.id).header('x-content-type-options', 'nosniff');
  });
  releaseKeepAliveOnClose(app);
  installProblemHandlers(app);
  for (const schema of [problemSchema, ...API_SCHEMAS]) app.addSchema(schema);
  await installOpenApi(app, { baseUrl: mcms.settings.baseUrl });

  const metrics = new HttpMetrics();
  installAccessLog(app);
  installMetrics(app, metrics);
  await app.register(healthRoutes, { mcms });
  await app.register(caCertificateRoutes, { mcms });
  await app.register(scepRoutes, { mcms });
  await app.register(apiV1, { prefix: API_PREFIX, mcms, metrics });
  await app.register(enrollRoutes, { mcms });
  await app.register(crlRoutes, { mcms });
  await app.register(ocspRoutes, { mcms });
  installOcspFastPath(app, mcms, metrics);
  return app;
}

/** OCSP requests on the main port are answered before fastify sees them (see ocsp-fast-path.ts). */
function installOcspFastPath(app: FastifyInstance, mcms: Mcms, metrics: HttpMetrics): void {
  const fastPath = new OcspFastPath(app.server, {
    cachedAnswer: (der) => mcms.ocsp.cachedAnswer(der),
    respond: (der) => mcms.ocsp.respond(der),
    now: () => mcms.clock.now(),
    count: (method, status, answers) => metrics.countRequests({ method, route: method === 'GET' ? '/ocsp/*' : '/ocsp', status }, answers),
    logError: (error) => app.log.error({ err: error }, 'OCSP request failed'),
    keepAliveMs: KEEP_ALIVE_TIMEOUT_MS,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
  });
  app.addHook('preClose', async () => fastPath.close());
  app.addHook('onClose', async () => fastPath.destroyAll());
}

export interface RunningHttpServer {
  app: FastifyInstance;
  /** Where the server listens, with the port it really got (MCMS_PORT=0 picks a free one). */
  url: string;
  /**
   * Stops accepting connections, lets in-flight requests finish (idle keep-alive connections are
   * closed at once; requests arriving meanwhile on open ones get 503), and after `shutdownTimeoutMs`
   * cuts whatever is left. It does not close mcms: the caller opened it and closes it afterwards.
   */
  close(): Promise<void>;
}

/**
 * `unixSocket`: listen there instead of on the configured host and port, by this process alone (not
 * shared through node:cluster): a worker whose connections the supervisor hands over.
 */
export async function startHttpServer(mcms: Mcms, options: HttpOptions & { shutdownTimeoutMs?: number; unixSocket?: string }): Promise<RunningHttpServer> {
  const app = await buildHttpApp(mcms, options);
  let url: string;
  if (options.unixSocket) {
    await app.listen({ path: options.unixSocket, exclusive: true });
    url = `unix:${options.unixSocket}`;
  } else {
    await app.listen({ host: mcms.settings.host, port: mcms.settings.port });
    const address = app.server.address() as AddressInfo;
    url = `http://${urlHost(address.address)}:${address.port}`;
  }
  let closing: Promise<void> | undefined;
  return {
    app,
    url,
    close: () => (closing ??= closeGracefully(app, options.shutdownTimeoutMs ?? 10_000)),
  };
}

/**
 * Once the app is closing, responses carry `Connection: close`: a keep-alive connection whose request
 * was in flight at close time is released when that request is answered, instead of holding the
 * close up until the client's or the server's idle timeout.
 */
function releaseKeepAliveOnClose(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
}

async function closeGracefully(app: FastifyInstance, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const closed = app.close().then(() => 'closed' as const);
  const outcome = await Promise.race([closed, deadline]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    app.log.warn({ timeoutMs }, 'requests still running at shutdown; closing their connections');
    app.server.closeAllConnections();
    await closed;
  }
}
