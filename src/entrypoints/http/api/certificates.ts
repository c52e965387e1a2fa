/**
 * `/api/v1/certificates`: issue from a PKCS#10 request (RFC 2986), list the inventory with filters
 * and cursor pagination, and fetch one certificate as JSON, PEM (RFC 7468) or DER
 * (`application/pkix-cert`, RFC 2585), by path suffix or by Accept header (RFC 9110 §12.5.1).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { CertificateRecord, CertificateState } from '../../../domain/inventory/index.js';
import { PROFILE_IDS } from '../../../domain/policy/index.js';
import { toPem } from '../../../lib/pki/index.js';
import { DURATION_PATTERN, parseDuration } from '../../../lib/duration.js';
import { certificateView } from '../../certificate-view.js';
import type { Mcms } from '../../services.js';
import { PEM_FILE, PKIX_CERT } from '../ca-certificates.js';
import { preferredMediaType } from '../content-negotiation.js';
import type { HttpMetrics } from '../metrics.js';
import { principalOf } from './auth.js';
import { created } from './created.js';
import type { PageQuery } from './pagination.js';
import { pageQueryProperties, pageRequest, pageSchema } from './pagination.js';

const dateTime = { type: 'string', format: 'date-time' } as const;
const nullableString = { type: ['string', 'null'] } as const;

export const certificateSchema = {
  $id: 'Certificate',
  type: 'object',
  required: ['serial', 'issuerId', 'subject', 'emails', 'notBefore', 'notAfter', 'profile', 'status', 'state',
    'revokedAt', 'revocationReason', 'subscriberId', 'deviceId', 'fingerprint', 'publicKeyHash', 'createdAt', 'pem'],
  additionalProperties: false,
  properties: {
    serial: { type: 'string', description: 'lower-case hex, as openssl prints it without colons' },
    issuerId: { type: 'string' },
    subject: { type: 'string' },
    emails: { type: 'array', items: { type: 'string' } },
    notBefore: dateTime,
    notAfter: dateTime,
    profile: { type: 'string' },
    status: { type: 'string', enum: ['valid', 'revoked'], description: 'as recorded' },
    state: { type: 'string', enum: ['valid', 'revoked', 'expired'], description: 'status at the time of asking' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
    revocationReason: nullableString,
    subscriberId: nullableString,
    deviceId: nullableString,
    fingerprint: { type: 'string', description: 'SHA-256 of the DER, hex' },
    publicKeyHash: { type: 'string', description: 'SHA-256 of the SubjectPublicKeyInfo, hex' },
    createdAt: dateTime,
    pem: { type: 'string' },
  },
} as const;

const CERTIFICATE = { $ref: 'Certificate#' } as const;


interface IssueBody {
  profile: string;
  subscriber: string;
  csr: string;
  deviceId?: string;
}

const issueBody = {
  type: 'object',
  required: ['profile', 'subscriber', 'csr'],
  additionalProperties: false,
  properties: {
    profile: { type: 'string', minLength: 1, maxLength: 64, description: `certificate profile: ${PROFILE_IDS.join(', ')}` },
    subscriber: { type: 'string', minLength: 1, maxLength: 320, description: 'subscriber id or any of their mailboxes' },
    csr: { type: 'string', minLength: 1, description: 'PKCS#10 request, PEM; its subject and SANs are ignored' },
    deviceId: { type: 'string', minLength: 1, maxLength: 64, description: 'link the certificate to this device of the subscriber' },
  },
} as const;

interface ListQuery extends PageQuery {
  subscriber?: string;
  status?: CertificateState;
  profile?: string;
  expiringWithin?: string;
}

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    subscriber: { type: 'string', minLength: 1, maxLength: 320, description: 'subscriber id or mailbox' },
    status: { type: 'string', enum: ['valid', 'revoked', 'expired'] },
    profile: { type: 'string', minLength: 1, maxLength: 64 },
    expiringWithin: { type: 'string', pattern: DURATION_PATTERN, description: 'valid certificates expiring within e.g. 30d, 12h, 2w' },
    ...pageQueryProperties,
  },
} as const;

const serialParams = {
  type: 'object',
  required: ['serial'],
  additionalProperties: false,
  properties: { serial: { type: 'string', minLength: 1, maxLength: 128, description: 'hex, any case, colons allowed' } },
} as const;

const ENCODINGS = {
  [PKIX_CERT]: (record: CertificateRecord) => record.der,
  [PEM_FILE]: (record: CertificateRecord) => toPem('CERTIFICATE', record.der),
};

function sendEncoded(reply: FastifyReply, record: CertificateRecord, mediaType: keyof typeof ENCODINGS): FastifyReply {
  return reply.type(mediaType).send(ENCODINGS[mediaType](record));
}

interface Deps {
  mcms: Mcms;
  metrics: HttpMetrics;
}

export async function certificateRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  issueRoute(app, deps);
  listRoute(app, deps);
  showRoutes(app, deps);
}

function issueRoute(app: FastifyInstance, { mcms, metrics }: Deps): void {
  app.post<{ Body: IssueBody }>('/certificates', {
    schema: { summary: 'Issue a certificate from a CSR', tags: ['certificates'], body: issueBody, response: { 201: CERTIFICATE } },
  }, async (request, reply) => {
    const { profile, subscriber, csr, deviceId } = request.body;
    const record = await mcms.certificates.issue(principalOf(request), { profile, subscriber, csr, deviceId });
    metrics.certificateIssued(record.profile);
    return created(request, reply, record.serial).send(certificateView(record, mcms.clock.now()));
  });
}

function listRoute(app: FastifyInstance, { mcms }: Deps): void {
  app.get<{ Querystring: ListQuery }>('/certificates', {
    schema: { summary: 'The certificate inventory, newest first', tags: ['certificates'], querystring: listQuery, response: { 200: pageSchema(CERTIFICATE) } },
  }, async (request) => {
    const { subscriber, status, profile, expiringWithin } = request.query;
    const query = { subscriber, state: status, profile, expiringWithinMs: expiringWithin ? parseDuration(expiringWithin) ?? undefined : undefined };
    const page = await mcms.certificates.list(principalOf(request), query, pageRequest(request.query));
    const now = mcms.clock.now();
    return { items: page.items.map((record) => certificateView(record, now)), nextCursor: page.nextCursor };
  });
}

const OFFERS = ['application/json', PKIX_CERT, PEM_FILE] as const;
const binary = { type: 'string', format: 'binary' } as const;

function showRoutes(app: FastifyInstance, { mcms }: Deps): void {
  app.get<{ Params: { serial: string } }>('/certificates/:serial', {
    schema: {
      summary: 'One certificate: JSON, or DER or PEM by Accept header',
      tags: ['certificates'],
      params: serialParams,
      response: {
        200: {
          description: 'the certificate',
          content: { 'application/json': { schema: CERTIFICATE }, [PKIX_CERT]: { schema: binary }, [PEM_FILE]: { schema: { type: 'string' } } },
        },
      },
    },
  }, async (request, reply) => {
    const record = await mcms.certificates.show(principalOf(request), request.params.serial);
    const mediaType = preferredMediaType(request.headers.accept, OFFERS);
    reply.header('vary', 'Accept');
    if (mediaType === 'application/json') return certificateView(record, mcms.clock.now());
    return sendEncoded(reply, record, mediaType);
  });

  for (const [suffix, mediaType] of [['pem', PEM_FILE], ['der', PKIX_CERT]] as const) {
    app.get<{ Params: { serial: string } }>(`/certificates/:serial/${suffix}`, {
      schema: {
        summary: `One certificate, ${suffix.toUpperCase()}`,
        tags: ['certificates'],
        params: serialParams,
        response: { 200: { description: 'the certificate', content: { [mediaType]: { schema: suffix === 'der' ? binary : { type: 'string' } } } } },
      },
    }, async (request, reply) => sendEncoded(reply, await mcms.certificates.show(principalOf(request), request.params.serial), mediaType));
  }
}
