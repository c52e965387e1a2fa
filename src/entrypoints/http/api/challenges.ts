/** `/api/v1/subscribers/:key/challenges`: one-time SCEP challenges (the secret is in the 201 only). */
import type { FastifyInstance } from 'fastify';
import type { Challenge } from '../../../domain/enrollment/index.js';
import { PROFILE_IDS } from '../../../domain/policy/index.js';
import { DURATION_PATTERN, parseDuration } from '../../../lib/duration.js';
import type { Mcms } from '../../services.js';
import { principalOf } from './auth.js';
import { created } from './created.js';
import { subscriberKeyParams } from './subscribers.js';

const dateTime = { type: 'string', format: 'date-time' } as const;

export const challengeSchema = {
  $id: 'Challenge',
  type: 'object',
  required: ['id', 'subscriberId', 'deviceId', 'profile', 'status', 'failedAttempts', 'createdBy', 'createdAt', 'expiresAt', 'usedAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    subscriberId: { type: 'string' },
    deviceId: { type: ['string', 'null'] },
    profile: { type: 'string' },
    status: { type: 'string', enum: ['open', 'used', 'locked', 'revoked'] },
    failedAttempts: { type: 'integer' },
    createdBy: { type: 'string' },
    createdAt: dateTime,
    expiresAt: dateTime,
    usedAt: { type: ['string', 'null'], format: 'date-time' },
    challenge: { type: 'string', description: 'the challenge to give the device; returned once, when created' },
  },
} as const;

const CHALLENGE = { $ref: 'Challenge#' } as const;
const withoutHash = ({ secretHash: _hash, ...challenge }: Challenge) => challenge;

interface CreateBody {
  profile?: string;
  deviceId?: string;
  ttl?: string;
}

export async function challengeRoutes(app: FastifyInstance, options: { mcms: Mcms }): Promise<void> {
  const { mcms } = options;

  app.post<{ Params: { key: string }; Body: CreateBody }>('/subscribers/:key/challenges', {
    schema: {
      summary: 'Create a one-time SCEP challenge bound to the subscriber, optionally a device, and a profile',
      tags: ['enrollment'],
      params: subscriberKeyParams,
      body: {
        type: 'object',
        additionalProperties: false,
        properties: {
          profile: { type: 'string', enum: [...PROFILE_IDS], default: 'smime-signing' },
          deviceId: { type: 'string', minLength: 1, maxLength: 64 },
          ttl: { type: 'string', pattern: DURATION_PATTERN, description: 'lifetime, e.g. 1h or 7d' },
        },
      },
      response: { 201: CHALLENGE },
    },
  }, async (request, reply) => {
    const body = request.body ?? {};
    const { challenge, secret } = await mcms.challenges.create(principalOf(request), {
      subscriber: request.params.key, deviceId: body.deviceId, profile: body.profile,
      ttlMs: body.ttl ? parseDuration(body.ttl) ?? undefined : undefined,
    });
    return created(request, reply, challenge.id).header('cache-control', 'no-store').send({ ...withoutHash(challenge), challenge: secret });
  });

  app.get<{ Params: { key: string } }>('/subscribers/:key/challenges', {
    schema: {
      summary: "A subscriber's challenges (never their secrets)",
      tags: ['enrollment'],
      params: subscriberKeyParams,
      response: { 200: { type: 'array', items: CHALLENGE } },
    },
  }, async (request) => (await mcms.challenges.list(principalOf(request), request.params.key)).map(withoutHash));
}
