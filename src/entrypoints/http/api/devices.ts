/** `/api/v1/subscribers/:key/devices`: a person's phones, tablets and desktops. */
import type { FastifyInstance } from 'fastify';
import type { Mcms } from '../../services.js';
import { problem, sendProblem } from '../problem.js';
import { principalOf } from './auth.js';
import { created } from './created.js';
import { subscriberKeyParams } from './subscribers.js';

export const deviceSchema = {
  $id: 'Device',
  type: 'object',
  required: ['id', 'subscriberId', 'name', 'status', 'createdAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    subscriberId: { type: 'string' },
    name: { type: 'string' },
    status: { type: 'string', enum: ['active', 'lost', 'retired'] },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

const DEVICE = { $ref: 'Device#' } as const;

const deviceParams = {
  type: 'object',
  required: ['key', 'id'],
  additionalProperties: false,
  properties: { ...subscriberKeyParams.properties, id: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

export async function deviceRoutes(app: FastifyInstance, options: { mcms: Mcms }): Promise<void> {
  const { mcms } = options;

  app.post<{ Params: { key: string }; Body: { name: string } }>('/subscribers/:key/devices', {
    schema: {
      summary: 'Register a device for a subscriber',
      tags: ['devices'],
      params: subscriberKeyParams,
      body: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: { name: { type: 'string', minLength: 1, maxLength: 100, description: 'e.g. "Alice\'s iPhone"' } },
      },
      response: { 201: DEVICE },
    },
  }, async (request, reply) => {
    const device = await mcms.devices.add(principalOf(request), { subscriber: request.params.key, name: request.body.name });
    return created(request, reply, device.id).send(device);
  });

  app.get<{ Params: { key: string } }>('/subscribers/:key/devices', {
    schema: {
      summary: "A subscriber's devices",
      tags: ['devices'],
      params: subscriberKeyParams,
      response: {
        200: {
          type: 'object',
          required: ['subscriber', 'devices'],
          additionalProperties: false,
          properties: { subscriber: { $ref: 'Subscriber#' }, devices: { type: 'array', items: DEVICE } },
        },
      },
    },
  }, async (request) => mcms.devices.list(principalOf(request), request.params.key));

  app.get<{ Params: { key: string; id: string } }>('/subscribers/:key/devices/:id', {
    schema: { summary: "One of a subscriber's devices", tags: ['devices'], params: deviceParams, response: { 200: DEVICE } },
  }, async (request, reply) => {
    const { devices } = await mcms.devices.list(principalOf(request), request.params.key);
    const device = devices.find((d) => d.id === request.params.id);
    return device ?? sendProblem(reply, problem('device.not-found', `no device ${request.params.id} for ${request.params.key}`, request));
  });
}
