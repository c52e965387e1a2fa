/**
 * Bearer-token authentication for the REST API (RFC 6750 §2.1): `Authorization: Bearer <token>`
 * becomes the request's Principal through `mcms.authenticate`. A missing token or another scheme is a
 * 401 without an error code (§3.1); a wrong one is a 401 with `error="invalid_token"`. Roles are
 * checked by each use case, which refuses with `auth.forbidden` (403).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../../domain/access/index.js';
import { isDomainError } from '../../../domain/errors.js';
import type { Mcms } from '../../services.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; null outside `/api/v1` and before authentication. */
    principal: Principal | null;
  }
}

const REALM = 'mcms';

/**
 * The credentials of an `Authorization: Bearer` header, without surrounding spaces; the scheme
 * name is case-insensitive (RFC 9110 §11.1). Whether they look like a token is the domain's call.
 */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +(.*)$/i.exec(header ?? '');
  return match?.[1]?.trim() || undefined;
}

/** The WWW-Authenticate challenge for a refused request (RFC 6750 §3). */
export function bearerChallenge(code: string): string {
  return code === 'auth.invalid-token' ? `Bearer realm="${REALM}", error="invalid_token"` : `Bearer realm="${REALM}"`;
}

/** Adds the hook that authenticates every request of the instance it is registered in. */
export function requireBearerToken(app: FastifyInstance, mcms: Mcms): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      request.principal = await mcms.authenticate(bearerToken(request.headers.authorization));
    } catch (error) {
      if (isDomainError(error) && error.code.startsWith('auth.')) reply.header('www-authenticate', bearerChallenge(error.code));
      throw error;
    }
  });
}

/** The principal of an authenticated request; routes under `/api/v1` always have one. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route reached without authentication');
  return request.principal;
}
