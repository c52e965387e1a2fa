/**
 * Escrow over the REST API: a person's encryption identities (generate, history, their own PKCS#12),
 * dual-control key recovery (request; export once approved) and lifecycle (re-certify, compromised,
 * KRA rotation). Responses carrying a PKCS#12 and its password are `no-store`; the password is in the
 * body once and never in a log line.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { EncryptionKeyAlgorithm, OwnDelivery, Pkcs12Variant } from '../../../domain/escrow/index.js';
import { ENCRYPTION_KEY_ALGORITHMS } from '../../../domain/escrow/index.js';
import { certificateView } from '../../certificate-view.js';
import type { Mcms } from '../../services.js';
import { principalOf } from './auth.js';
import { created } from './created.js';
import { subscriberKeyParams } from './subscribers.js';

const dateTime = { type: 'string', format: 'date-time' } as const;
const nullableDate = { type: ['string', 'null'], format: 'date-time' } as const;
const VARIANTS = ['legacy', 'modern'] as const;

export const encryptionIdentitySchema = {
  $id: 'EncryptionIdentity',
  type: 'object',
  required: ['id', 'serial', 'keyAlgorithm', 'status', 'pastReason', 'notBefore', 'notAfter', 'createdAt', 'retiredAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    serial: { type: 'string' },
    keyAlgorithm: { type: 'string', enum: [...ENCRYPTION_KEY_ALGORITHMS] },
    status: { type: 'string', enum: ['current', 'past'] },
    pastReason: { type: ['string', 'null'], enum: ['rekeyed', 'recertified', 'compromised', null] },
    notBefore: dateTime, notAfter: dateTime, createdAt: dateTime, retiredAt: nullableDate,
  },
} as const;

const IDENTITY = { $ref: 'EncryptionIdentity#' } as const;
const generatedSchema = {
  type: 'object', required: ['identity', 'certificate', 'replaced'], additionalProperties: false,
  properties: { identity: IDENTITY, certificate: { $ref: 'Certificate#' }, replaced: { type: ['string', 'null'] } },
} as const;
const deliverySchema = {
  type: 'object', required: ['pkcs12', 'password', 'identities'], additionalProperties: false,
  properties: {
    pkcs12: { type: 'string', contentEncoding: 'base64', description: 'the PKCS#12 file (DER), base64' },
    password: { type: 'string', description: 'its password, shown once' },
    identities: { type: 'array', items: IDENTITY },
    subscriber: { type: 'string' },
  },
} as const;
const variantBody = {
  type: ['object', 'null'], additionalProperties: false, properties: { variant: { type: 'string', enum: [...VARIANTS] } },
} as const;
const serialParams = { type: 'object', required: ['serial'], additionalProperties: false, properties: { serial: { type: 'string', minLength: 1, maxLength: 64 } } } as const;
const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', minLength: 1, maxLength: 64 } } } as const;

function sendDelivery(reply: FastifyReply, delivery: OwnDelivery & { subscriber?: string }) {
  return reply.header('cache-control', 'no-store').send({ ...delivery, pkcs12: delivery.pkcs12.toString('base64') });
}

export async function escrowRoutes(app: FastifyInstance, options: { mcms: Mcms }): Promise<void> {
  const { mcms } = options;

  app.post<{ Params: { key: string }; Body: { algorithm?: EncryptionKeyAlgorithm } | null }>('/subscribers/:key/encryption-identities', {
    schema: {
      summary: 'Generate a new current encryption identity (key archived; the previous one becomes past)', tags: ['escrow'],
      params: subscriberKeyParams,
      body: { type: ['object', 'null'], additionalProperties: false, properties: { algorithm: { type: 'string', enum: [...ENCRYPTION_KEY_ALGORITHMS] } } },
      response: { 201: generatedSchema },
    },
  }, async (request, reply) => {
    const generated = await mcms.escrow.generate(principalOf(request), { subscriber: request.params.key, algorithm: request.body?.algorithm });
    return created(request, reply, generated.identity.serial)
      .send({ ...generated, certificate: certificateView(generated.certificate, mcms.clock.now()) });
  });

  app.get<{ Params: { key: string } }>('/subscribers/:key/encryption-identities', {
    schema: { summary: "A person's current and past encryption identities", tags: ['escrow'], params: subscriberKeyParams, response: { 200: { type: 'array', items: IDENTITY } } },
  }, async (request) => (await mcms.escrow.history(principalOf(request), request.params.key)).identities);

  app.post<{ Params: { key: string }; Body: { variant?: Pkcs12Variant } | null }>('/subscribers/:key/encryption-identities/pkcs12', {
    schema: {
      summary: "The person's own current and past identities as one PKCS#12 (legacy by default)", tags: ['escrow'],
      params: subscriberKeyParams, body: variantBody, response: { 200: deliverySchema },
    },
  }, async (request, reply) => sendDelivery(reply, await mcms.escrow.deliver(principalOf(request), request.params.key, { variant: request.body?.variant })));

  app.post<{ Params: { key: string }; Body: { serial?: string; reason?: string } | null }>('/subscribers/:key/key-recoveries', {
    schema: {
      summary: "Request a third party's recovery of a person's keys (a 'key-recovery' approval request)", tags: ['escrow'],
      params: subscriberKeyParams,
      body: { type: ['object', 'null'], additionalProperties: false, properties: { serial: { type: 'string', maxLength: 64 }, reason: { type: 'string', maxLength: 200 } } },
      response: { 201: { $ref: 'Approval#' } },
    },
  }, async (request, reply) => {
    const approval = await mcms.escrow.recover(principalOf(request), { subscriber: request.params.key, serial: request.body?.serial, reason: request.body?.reason });
    return reply.code(201).header('location', `/api/v1/approvals/${approval.id}`).send(approval);
  });

  app.post<{ Params: { id: string }; Body: { variant?: Pkcs12Variant } | null }>('/key-recoveries/:id/export', {
    schema: { summary: 'Export an approved key recovery, once, to its requester', tags: ['escrow'], params: idParams, body: variantBody, response: { 200: deliverySchema } },
  }, async (request, reply) => sendDelivery(reply, await mcms.escrow.export(principalOf(request), { approvalId: request.params.id, variant: request.body?.variant })));

  app.post<{ Params: { serial: string } }>('/encryption-identities/:serial/recertify', {
    schema: { summary: 'A new certificate for an archived key (same key); it becomes current', tags: ['escrow'], params: serialParams, response: { 201: generatedSchema } },
  }, async (request, reply) => {
    const generated = await mcms.escrow.recertify(principalOf(request), { serial: request.params.serial });
    return reply.code(201).send({ ...generated, certificate: certificateView(generated.certificate, mcms.clock.now()) });
  });

  app.post<{ Params: { serial: string } }>('/encryption-identities/:serial/compromised', {
    schema: { summary: 'Mark a key compromised: kept for old mail, never delivered as current', tags: ['escrow'], params: serialParams, response: { 204: { type: 'null' } } },
  }, async (request, reply) => {
    await mcms.escrow.markCompromised(principalOf(request), { serial: request.params.serial });
    return reply.code(204).send();
  });

  app.post<{ Body: { batchSize?: number; limit?: number } | null }>('/escrow/rotate-kra', {
    schema: {
      summary: 'Rotate the escrow (KRA) key: re-wrap every data key; a rerun resumes an interrupted rotation', tags: ['escrow'],
      body: { type: ['object', 'null'], additionalProperties: false, properties: { batchSize: { type: 'integer', minimum: 1, maximum: 10_000 }, limit: { type: 'integer', minimum: 1 } } },
      response: { 200: { type: 'object', additionalProperties: false, required: ['kraKeyId', 'started', 'rewrapped', 'remaining'], properties: { kraKeyId: { type: 'string' }, started: { type: 'boolean' }, rewrapped: { type: 'integer' }, remaining: { type: 'integer' } } } },
    },
  }, async (request) => mcms.escrow.rotateKra(principalOf(request), { batchSize: request.body?.batchSize, limit: request.body?.limit }));
}
