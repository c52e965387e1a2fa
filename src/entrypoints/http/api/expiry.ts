/**
 * Expiry monitoring over the REST API: the outlook a dashboard draws (valid certificates ending per
 * week for the next 90 days), a scan by hand, the notification outbox, and the import of certificates
 * from other CAs (PEM text or base64 DER/PKCS#7 per file; an unreadable file is refused on its own).
 */
import type { FastifyInstance } from 'fastify';
import type { OutboxStatus } from '../../../domain/expiry/index.js';
import { OUTBOX_STATUSES } from '../../../domain/expiry/index.js';
import type { Mcms } from '../../services.js';
import { principalOf } from './auth.js';

const dateTime = { type: 'string', format: 'date-time' } as const;
const nullableDate = { type: ['string', 'null'], format: 'date-time' } as const;
const nullableString = { type: ['string', 'null'] } as const;
const counts = { type: 'object', additionalProperties: false, required: [...OUTBOX_STATUSES], properties: Object.fromEntries(OUTBOX_STATUSES.map((s) => [s, { type: 'integer' }])) } as const;

const reportSchema = {
  type: 'object', additionalProperties: false, required: ['now', 'weeks', 'outbox'],
  properties: {
    now: dateTime,
    weeks: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false, required: ['from', 'to', 'issued', 'monitored'],
        properties: { from: dateTime, to: dateTime, issued: { type: 'integer', description: 'certificates mcms issued ending in (from, to]' }, monitored: { type: 'integer', description: 'imported certificates of other CAs' } },
      },
    },
    outbox: counts,
  },
} as const;

const scanSchema = {
  type: 'object', additionalProperties: false, required: ['scanId', 'now', 'full', 'events', 'notices', 'queued'],
  properties: {
    scanId: { type: 'string' }, now: dateTime, notices: { type: 'integer' }, queued: { type: 'integer' },
    full: { type: 'boolean', description: 'every window scanned whole (otherwise only what entered one since the last scan)' },
    events: { type: 'object', additionalProperties: { type: 'integer' }, description: 'new events by name: notice-<days>, action, expired' },
  },
} as const;

const outboxItemSchema = {
  type: 'object', additionalProperties: false,
  required: ['seq', 'kind', 'channel', 'recipient', 'fingerprint', 'event', 'scanId', 'status', 'attempts', 'nextAttemptAt', 'lastError', 'createdAt', 'sentAt'],
  properties: {
    seq: { type: 'integer' }, kind: { type: 'string', enum: ['notice', 'digest', 'action'] }, channel: { type: 'string', enum: ['email', 'webhook', 'action'] },
    recipient: { type: 'string' }, fingerprint: nullableString, event: nullableString, scanId: nullableString,
    status: { type: 'string', enum: [...OUTBOX_STATUSES] }, attempts: { type: 'integer' }, nextAttemptAt: dateTime,
    lastError: nullableString, createdAt: dateTime, sentAt: nullableDate,
  },
} as const;

const importSchema = {
  type: 'array',
  items: {
    type: 'object', additionalProperties: false, required: ['file', 'error', 'certificates'],
    properties: {
      file: { type: 'string' }, error: { ...nullableString, description: 'why the file was refused; nothing from it was imported' },
      certificates: {
        type: 'array',
        items: {
          type: 'object', additionalProperties: false, required: ['serial', 'subject', 'notAfter', 'linkedTo', 'added'],
          properties: { serial: { type: 'string' }, subject: { type: 'string' }, notAfter: dateTime, linkedTo: nullableString, added: { type: 'boolean' } },
        },
      },
    },
  },
} as const;

const nowProperty = { ...dateTime, description: 'as if it were this time (default: now)' };

export async function expiryRoutes(app: FastifyInstance, options: { mcms: Mcms }): Promise<void> {
  const { mcms } = options;

  app.get<{ Querystring: { days?: number; now?: string } }>('/reports/expiry', {
    schema: {
      summary: 'Valid certificates (issued and monitored) ending in each week ahead, and the outbox counts', tags: ['expiry'],
      querystring: { type: 'object', additionalProperties: false, properties: { days: { type: 'integer', minimum: 1, maximum: 366, default: 90 }, now: nowProperty } },
      response: { 200: reportSchema },
    },
  }, async (request) => mcms.expiry.report(principalOf(request), { days: request.query.days, now: request.query.now ? new Date(request.query.now) : undefined }));

  app.post<{ Body: { now?: string; full?: boolean } | null }>('/expiry/scan', {
    schema: {
      summary: 'Run the expiry scan now: record and queue the notices and actions due', tags: ['expiry'],
      body: { type: ['object', 'null'], additionalProperties: false, properties: { now: nowProperty, full: { type: 'boolean', description: 'scan every window whole' } } },
      response: { 200: scanSchema },
    },
  }, async (request) => mcms.expiry.scan(principalOf(request), { now: request.body?.now ? new Date(request.body.now) : undefined, full: request.body?.full }));

  app.get<{ Querystring: { status?: OutboxStatus; limit?: number } }>('/notifications', {
    schema: {
      summary: 'The notification outbox (expiry mails, webhook calls, actions), newest first', tags: ['expiry'],
      querystring: { type: 'object', additionalProperties: false, properties: { status: { type: 'string', enum: [...OUTBOX_STATUSES] }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } } },
      response: { 200: { type: 'array', items: outboxItemSchema } },
    },
  }, async (request) => mcms.expiry.outbox(principalOf(request), { status: request.query.status, limit: request.query.limit }));

  app.post<{ Body: { files: { name: string; pem?: string; base64?: string }[] } }>('/inventory/import', {
    schema: {
      summary: 'Watch certificates from other CAs (PEM, DER, PKCS#7); each file is imported or refused on its own', tags: ['expiry'],
      body: {
        type: 'object', additionalProperties: false, required: ['files'],
        properties: {
          files: {
            type: 'array', minItems: 1, maxItems: 100,
            items: {
              type: 'object', additionalProperties: false, required: ['name'],
              properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, pem: { type: 'string', description: 'PEM text' }, base64: { type: 'string', contentEncoding: 'base64', description: 'DER certificate or PKCS#7, base64' } },
            },
          },
        },
      },
      response: { 200: importSchema },
    },
  }, async (request) => mcms.expiry.importCertificates(principalOf(request), request.body.files.map((f) => ({
    name: f.name, data: f.pem !== undefined ? Buffer.from(f.pem, 'utf8') : Buffer.from(f.base64 ?? '', 'base64'),
  }))));
}
