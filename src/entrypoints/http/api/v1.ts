/**
 * The REST API, `/api/v1`: every route needs a bearer token (RFC 6750) and is documented in the
 * OpenAPI document with the `bearerAuth` security scheme.
 */
import type { FastifyInstance } from 'fastify';
import type { Mcms } from '../../services.js';
import type { HttpMetrics } from '../metrics.js';
import { approvalRoutes, approvalSchema } from './approvals.js';
import { auditRoutes } from './audit.js';
import { requireBearerToken } from './auth.js';
import { caRoutes } from './ca.js';
import { certificateRoutes, certificateSchema } from './certificates.js';
import { challengeRoutes, challengeSchema } from './challenges.js';
import { deliveryRoutes, enrollmentLinkSchema } from './delivery.js';
import { deviceRoutes, deviceSchema } from './devices.js';
import { encryptionIdentitySchema, escrowRoutes } from './escrow.js';
import { expiryRoutes } from './expiry.js';
import { operatorRoutes, operatorSchema } from './operators.js';
import { lookupRoutes } from './lookup.js';
import { directoryRoutes } from './directory.js';
import { subscriberRoutes, subscriberSchema } from './subscribers.js';
import { revocationRoutes } from './revocation.js';

export const API_PREFIX = '/api/v1';
export const BEARER_SCHEME = 'bearerAuth';

/** The models the API's routes refer to by `$ref`; added to the root instance so OpenAPI lists them once. */
export const API_SCHEMAS = [subscriberSchema, deviceSchema, certificateSchema, operatorSchema, challengeSchema, approvalSchema, encryptionIdentitySchema, enrollmentLinkSchema];

export async function apiV1(app: FastifyInstance, options: { mcms: Mcms; metrics: HttpMetrics }): Promise<void> {
  app.addHook('onRoute', (route) => {
    if (route.schema && !route.schema.hide) route.schema.security = [{ [BEARER_SCHEME]: [] }];
  });
  const { mcms, metrics } = options;
  requireBearerToken(app, mcms);
  await app.register(caRoutes, { mcms });
  await app.register(subscriberRoutes, { mcms });
  await app.register(deviceRoutes, { mcms });
  await app.register(certificateRoutes, { mcms, metrics });
  await app.register(operatorRoutes, { mcms });
  await app.register(challengeRoutes, { mcms });
  await app.register(approvalRoutes, { mcms });
  await app.register(escrowRoutes, { mcms });
  await app.register(auditRoutes, { mcms });
  await app.register(deliveryRoutes, { mcms });
  await app.register(lookupRoutes, { mcms });
  await app.register(expiryRoutes, { mcms });
  await app.register(revocationRoutes, { mcms });
  await app.register(directoryRoutes, { mcms });
}
