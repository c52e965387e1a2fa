/**
 * OCSP over HTTP (RFC 6960 Appendix A; RFC 5019 §5 / RFC 9919): `POST /ocsp` with an
 * `application/ocsp-request` body, and `GET /ocsp/<url-encoded base64 of the DER request>`, which
 * S/MIME BR §4.10.2 requires. Every answer is an `application/ocsp-response`: a body that is missing,
 * too large, of another media type or not base64 gets `malformedRequest`, never a problem document or
 * a 500. Nonce-less answers carry ETag, Last-Modified, Expires and Cache-Control (at most 5 minutes,
 * so that a cache in front does not outlive a revocation by long); If-None-Match gets a 304.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ocspErrorResponse } from '../../lib/pki/index.js';
import type { OcspAnswer } from '../../domain/revocation/index.js';
import type { Mcms } from '../services.js';

export const OCSP_REQUEST = 'application/ocsp-request';
export const OCSP_RESPONSE = 'application/ocsp-response';
/** Far above any real request (one CertID and a nonce are under 200 octets). */
export const MAX_OCSP_REQUEST = 8192;
export const OCSP_MAX_AGE_S = 300;
export const MALFORMED = ocspErrorResponse('malformedRequest');
export const INTERNAL = ocspErrorResponse('internalError');
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * The caching fields of a nonce-less answer (RFC 5019 §6.2): ETag, Last-Modified, Expires and
 * Cache-Control with a max-age of at most OCSP_MAX_AGE_S; a nonce's answer is not to be stored.
 */
export function ocspCacheFields(answer: OcspAnswer, now: Date): Record<string, string> {
  if (!answer.cache) return { 'cache-control': 'no-store' };
  const maxAge = Math.max(0, Math.min(OCSP_MAX_AGE_S, Math.floor((answer.cache.nextUpdate.getTime() - now.getTime()) / 1000)));
  return {
    etag: answer.cache.etag,
    'last-modified': answer.cache.producedAt.toUTCString(),
    expires: new Date(now.getTime() + maxAge * 1000).toUTCString(),
    'cache-control': `max-age=${maxAge}, public, no-transform, must-revalidate`,
  };
}

function send(request: FastifyRequest, reply: FastifyReply, answer: OcspAnswer, now: Date): FastifyReply {
  reply.type(OCSP_RESPONSE).headers(ocspCacheFields(answer, now));
  if (answer.cache && request.method === 'GET' && request.headers['if-none-match'] === answer.cache.etag) return reply.code(304).send();
  return reply.send(answer.der);
}

/** The base64 after `/ocsp/`, URL-decoded (RFC 5019 §5: clients escape '+', '/' and '=' or not). */
export function requestFromPath(url: string): Buffer | null {
  const path = url.slice(url.indexOf('/ocsp/') + 6).split('?')[0]!;
  let text: string;
  try {
    text = decodeURIComponent(path);
  } catch {
    return null;
  }
  if (text.length === 0 || text.length > (MAX_OCSP_REQUEST * 4) / 3 || !BASE64.test(text)) return null;
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

export async function ocspRoutes(app: FastifyInstance, options: { mcms: Mcms }): Promise<void> {
  const { mcms } = options;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_OCSP_REQUEST }, (_request, body, done) => done(null, body));
  // Whatever fails before or inside a handler (body too large, a broken connection, a bug) is an OCSP answer.
  app.setErrorHandler(async (error, request, reply) => {
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, 'OCSP request failed');
    return reply.code(200).type(OCSP_RESPONSE).header('cache-control', 'no-store').send(status >= 500 ? INTERNAL : MALFORMED);
  });
  const malformed = (reply: FastifyReply) => reply.type(OCSP_RESPONSE).header('cache-control', 'no-store').send(MALFORMED);

  app.post('/ocsp', {
    schema: {
      summary: 'OCSP request (RFC 6960), DER body of type application/ocsp-request', tags: ['status'],
      response: { 200: { description: 'OCSPResponse', content: { [OCSP_RESPONSE]: { schema: { type: 'string', format: 'binary' } } } } },
    },
  }, async (request, reply) => {
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== OCSP_REQUEST || !Buffer.isBuffer(request.body) || request.body.length === 0) return malformed(reply);
    return send(request, reply, await mcms.ocsp.respond(request.body), mcms.clock.now());
  });

  app.get('/ocsp/*', {
    schema: {
      summary: 'OCSP request (RFC 5019 §5): the URL-encoded base64 of the DER request in the path', tags: ['status'],
      response: { 200: { description: 'OCSPResponse', content: { [OCSP_RESPONSE]: { schema: { type: 'string', format: 'binary' } } } } },
    },
  }, async (request, reply) => {
    const der = requestFromPath(request.url);
    if (!der) return malformed(reply);
    return send(request, reply, await mcms.ocsp.respond(der), mcms.clock.now());
  });
}
