/**
 * Device delivery over the REST API: a person's signed profile for a device (the .mobileconfig bytes,
 * `application/x-apple-aspen-config`, `no-store` because it carries keys and passwords), invitations
 * (single-use enrollment links, mailed; the URL is in the answer once), the person's links, revoking
 * them, and re-delivery after the key history changed.
 */
import type { FastifyInstance } from 'fastify';
import type { EnrollmentLink, Invitation } from '../../../domain/delivery/index.js';
import type { Mcms } from '../../services.js';
import { principalOf } from './auth.js';
import { subscriberKeyParams } from './subscribers.js';

import { APPLE_CONFIG } from '../enroll/enroll.js';
const dateTime = { type: 'string', format: 'date-time' } as const;
const nullableDate = { type: ['string', 'null'], format: 'date-time' } as const;

export const enrollmentLinkSchema = {
  $id: 'EnrollmentLink',
  type: 'object',
  required: ['id', 'subscriberId', 'deviceId', 'status', 'createdBy', 'createdAt', 'expiresAt', 'usedAt', 'mailedAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' }, subscriberId: { type: 'string' }, deviceId: { type: ['string', 'null'] },
    status: { type: 'string', enum: ['open', 'used', 'revoked'] }, createdBy: { type: 'string' },
    createdAt: dateTime, expiresAt: dateTime, usedAt: nullableDate, mailedAt: nullableDate,
  },
} as const;

const invitationSchema = {
  type: 'object', required: ['link', 'url', 'mailed', 'mailProblem'], additionalProperties: false,
  properties: {
    link: { $ref: 'EnrollmentLink#' },
    url: { type: 'string', description: 'the enrollment link, shown once (only its hash is stored)' },
    mailed: { type: 'boolean' },
    mailProblem: { type: ['string', 'null'], description: 'why it was not mailed' },
  },
} as const;

const deviceBody = { type: ['object', 'null'], additionalProperties: false, properties: { deviceId: { type: 'string', minLength: 1, maxLength: 64 } } } as const;

const linkView = ({ secretHash: _hash, ...rest }: EnrollmentLink) => rest;
const invitationView = (invitation: Invitation) => ({ ...invitation, link: linkView(invitation.link) });

export async function deliveryRoutes(app: FastifyInstance, options: { mcms: Mcms }): Promise<void> {
  const { mcms } = options;

  app.post<{ Params: { key: string }; Body: { deviceId?: string } | null }>('/subscribers/:key/profile', {
    schema: {
      summary: "The person's signed S/MIME configuration profile for a device (a device is registered when none is named)", tags: ['delivery'],
      params: subscriberKeyParams, body: deviceBody,
      response: { 200: { description: 'the .mobileconfig (DER CMS SignedData)', content: { [APPLE_CONFIG]: { schema: { type: 'string', format: 'binary' } } } } },
    },
  }, async (request, reply) => {
    const built = await mcms.delivery.buildProfile(principalOf(request), { subscriber: request.params.key, deviceId: request.body?.deviceId });
    return reply.type(APPLE_CONFIG).header('cache-control', 'no-store')
      .header('content-disposition', 'attachment; filename="smime.mobileconfig"')
      .header('x-mcms-device', built.deviceId).send(built.mobileconfig);
  });

  app.post<{ Params: { key: string }; Body: { deviceId?: string } | null }>('/subscribers/:key/invitations', {
    schema: {
      summary: 'A single-use enrollment link for the person\'s phone, mailed to their mailbox', tags: ['delivery'],
      params: subscriberKeyParams, body: deviceBody, response: { 201: invitationSchema },
    },
  }, async (request, reply) => {
    const invitation = await mcms.delivery.invite(principalOf(request), { subscriber: request.params.key, deviceId: request.body?.deviceId });
    return reply.code(201).header('cache-control', 'no-store').send(invitationView(invitation));
  });

  app.get<{ Params: { key: string } }>('/subscribers/:key/enrollment-links', {
    schema: { summary: "The person's enrollment links, newest first", tags: ['delivery'], params: subscriberKeyParams, response: { 200: { type: 'array', items: { $ref: 'EnrollmentLink#' } } } },
  }, async (request) => (await mcms.delivery.links(principalOf(request), request.params.key)).map(linkView));

  app.post<{ Params: { key: string }; Body: { deviceId?: string } | null }>('/subscribers/:key/enrollment-links/revoke', {
    schema: {
      summary: "Revoke the person's open enrollment links and over-the-air enrollments (only the device's, when given)", tags: ['delivery'],
      params: subscriberKeyParams, body: deviceBody,
      response: { 200: { type: 'object', required: ['links', 'otaSessions'], additionalProperties: false, properties: { links: { type: 'array', items: { type: 'string' } }, otaSessions: { type: 'integer' } } } },
    },
  }, async (request) => mcms.delivery.revokeLinks(principalOf(request), { subscriber: request.params.key, deviceId: request.body?.deviceId }));

  app.post<{ Params: { key: string } }>('/subscribers/:key/redeliver', {
    schema: {
      summary: 'Mail a new enrollment link for each of the person\'s active devices (after a re-key, renewal or recovery)', tags: ['delivery'],
      params: subscriberKeyParams, response: { 200: { type: 'array', items: invitationSchema } },
    },
  }, async (request, reply) => reply.header('cache-control', 'no-store').send((await mcms.delivery.redeliver(principalOf(request), request.params.key)).map(invitationView)));
}
