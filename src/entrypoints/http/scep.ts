/**
 * The SCEP endpoint (RFC 8894 §4): `/scep` for the default profile and `/scep/<profile>` for others.
 * `operation=GetCACaps` (text/plain, one keyword a line), `GetCACert` (RA and CA certificates,
 * `application/x-x509-ca-ra-cert`), `PKIOperation` by POST (the DER body; clients send many content
 * types, so any is accepted) and by GET (`message=` base64, RFC 8894 §4.1). A message that cannot be read
 * at all gets 400 with a short reason; after that every answer is a signed CertRep, even a refusal.
 * Bodies are capped; nothing internal reaches a response.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDomainError } from '../../domain/errors.js';
import type { Mcms } from '../services.js';

/** RFC 8894 gives no limit; a PKCSReq is a few KiB. micromdm allows 2 MiB; 256 KiB is ample. */
export const SCEP_BODY_LIMIT = 256 * 1024;
const PKI_MESSAGE = 'application/x-pki-message';
const BASE64 = /^[A-Za-z0-9+/=_-]+$/;

interface ScepQuery {
  operation?: string;
  message?: string;
}

function badRequest(reply: FastifyReply, reason: string): FastifyReply {
  return reply.code(400).type('text/plain; charset=utf-8').send(`${reason}\n`);
}

/** GET's `message`: base64 of the DER pkiMessage. A `+` that became a space on the way is restored. */
function decodeGetMessage(message: string | undefined): Buffer | null {
  if (!message) return null;
  const text = message.replace(/ /g, '+');
  if (!BASE64.test(text) || text.length > (SCEP_BODY_LIMIT * 4) / 3 + 4) return null;
  const der = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return der.length > 0 ? der : null;
}

export async function scepRoutes(app: FastifyInstance, options: { mcms: Mcms }): Promise<void> {
  const { mcms } = options;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: SCEP_BODY_LIMIT }, (_request, body, done) => done(null, body));

  const answer = async (request: FastifyRequest<{ Params: { profile?: string }; Querystring: ScepQuery }>, reply: FastifyReply) => {
    const profiles = mcms.scep.profiles();
    const profile = request.params.profile ?? profiles[0]!;
    if (!profiles.includes(profile)) return reply.code(404).type('text/plain; charset=utf-8').send(`no SCEP service for profile ${profile}\n`);
    const operation = request.query.operation;
    if (operation === 'GetCACaps') return reply.type('text/plain; charset=utf-8').send(await mcms.scep.capabilities());
    if (operation === 'GetCACert') return reply.type('application/x-x509-ca-ra-cert').send(await mcms.scep.caCertificates());
    if (operation !== 'PKIOperation') return badRequest(reply, operation ? `unsupported operation ${operation.slice(0, 40)}` : 'missing operation');
    const message = request.method === 'POST' ? (request.body as Buffer | undefined) : decodeGetMessage(request.query.message);
    if (!message || message.length === 0) return badRequest(reply, 'missing or malformed message');
    try {
      return reply.type(PKI_MESSAGE).send(await mcms.scep.pkiOperation(profile, message));
    } catch (error) {
      if (isDomainError(error) && error.code === 'scep.bad-message') return badRequest(reply, `not a SCEP message: ${error.message}`);
      throw error;
    }
  };

  const querystring = {
    type: 'object',
    properties: { operation: { type: 'string', maxLength: 64 }, message: { type: 'string' } },
  } as const;
  const schema = { hide: true, querystring };
  for (const url of ['/scep', '/scep/:profile']) {
    app.get(url, { schema }, answer);
    app.post(url, { schema, bodyLimit: SCEP_BODY_LIMIT }, answer);
  }
}
