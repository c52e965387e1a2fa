/**
 * Revocation over the REST API: revoke a certificate by serial, report a device lost, record a leaver,
 * and sign CRLs now. Each answers with what changed; refusals are problem documents (409 revoked
 * already / device lost already, 400 unknown reason, 422 certificateHold on a strict certificate).
 */
import type { FastifyInstance } from 'fastify';
import { REVOCATION_REASON_NAMES } from '../../../domain/revocation/index.js';
import { certificateView } from '../../certificate-view.js';
import type { Mcms } from '../../services.js';
import { principalOf } from './auth.js';
import { subscriberKeyParams } from './subscribers.js';

const reasonBody = {
  type: ['object', 'null'], additionalProperties: false,
  properties: { reason: { type: 'string', enum: REVOCATION_REASON_NAMES, description: 'RFC 5280 CRLReason name' } },
} as const;
const serials = { type: 'array', items: { type: 'string' } } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;

const deviceLossSchema = {
  type: 'object', required: ['device', 'revoked', 'challengesRevoked', 'replacement'], additionalProperties: false,
  properties: {
    device: { $ref: 'Device#' }, revoked: serials, challengesRevoked: { type: 'integer' },
    replacement: {
      anyOf: [{ type: 'string', enum: ['invited', 'not-available'] }, { type: 'object', required: ['failed'], properties: { failed: { type: 'string' } } }],
    },
  },
} as const;
const departureSchema = {
  type: 'object', required: ['subscriber', 'revoked', 'challengesRevoked', 'devicesRetired'], additionalProperties: false,
  properties: { subscriber: { $ref: 'Subscriber#' }, revoked: serials, challengesRevoked: { type: 'integer' }, devicesRetired: { type: 'integer' } },
} as const;
const crlSchema = {
  type: 'object', required: ['issuerId', 'kind', 'number', 'thisUpdate', 'nextUpdate', 'bytes'], additionalProperties: false,
  properties: {
    issuerId: { type: 'string' }, kind: { type: 'string', enum: ['full', 'delta'] }, number: { type: 'integer' },
    thisUpdate: dateTime, nextUpdate: dateTime, bytes: { type: 'integer' },
  },
} as const;

export async function revocationRoutes(app: FastifyInstance, options: { mcms: Mcms }): Promise<void> {
  const { mcms } = options;

  app.post<{ Params: { serial: string }; Body: { reason?: string } | null }>('/certificates/:serial/revocation', {
    schema: {
      summary: 'Revoke a certificate (no reason = unspecified: the CRL entry carries no reasonCode)', tags: ['revocation'],
      params: { type: 'object', required: ['serial'], additionalProperties: false, properties: { serial: { type: 'string', minLength: 1, maxLength: 64 } } },
      body: reasonBody, response: { 200: { $ref: 'Certificate#' } },
    },
  }, async (request) => {
    const record = await mcms.certificates.revoke(principalOf(request), { serial: request.params.serial, reason: request.body?.reason });
    return certificateView(record, mcms.clock.now());
  });

  app.post<{ Params: { id: string }; Body: { reason?: string } | null }>('/devices/:id/lost', {
    schema: {
      summary: "Report a device lost: its signing and authentication certificates are revoked (keyCompromise by default), its challenges and enrollment links killed; the person's encryption keys stay",
      tags: ['revocation'],
      params: { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', minLength: 1, maxLength: 64 } } },
      body: reasonBody, response: { 200: deviceLossSchema },
    },
  }, async (request) => mcms.devices.lost(principalOf(request), { deviceId: request.params.id, reason: request.body?.reason }));

  app.post<{ Params: { key: string } }>('/subscribers/:key/leave', {
    schema: {
      summary: 'Record a leaver: every certificate revoked (affiliationChanged), the person disabled; escrowed keys stay recoverable under dual control',
      tags: ['revocation'], params: subscriberKeyParams, response: { 200: departureSchema },
    },
  }, async (request) => mcms.subscribers.leave(principalOf(request), { subscriber: request.params.key }));

  app.post<{ Body: { deltaOnly?: boolean } | null }>('/crls', {
    schema: {
      summary: 'Sign new CRLs for every CA now (complete and delta, or delta only)', tags: ['revocation'],
      body: { type: ['object', 'null'], additionalProperties: false, properties: { deltaOnly: { type: 'boolean' } } },
      response: { 201: { type: 'array', items: crlSchema } },
    },
  }, async (request, reply) => {
    const crls = await mcms.crl.generate(principalOf(request), { deltaOnly: request.body?.deltaOnly });
    return reply.code(201).send(crls.map(({ der, ...rest }) => ({ ...rest, bytes: der.length })));
  });
}
