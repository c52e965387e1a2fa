/**
 * `/enroll/<token>`: the pages behind an enrollment link. GET shows what will happen (and, on a
 * desktop, a QR code); it never uses the link, so a mail scanner that follows links uses nothing.
 * The install button POSTs (a form, no script) to `/enroll/<token>/profile`, which uses the link once
 * and answers the signed profile as `application/x-apple-aspen-config`. A used, expired, withdrawn or
 * unknown link gets a page that says so, never a profile. Pages send a strict CSP and `no-store`.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import QRCode from 'qrcode';
import { isDomainError } from '../../../domain/errors.js';
import type { Mcms } from '../../services.js';
import { closedLinkPage, enrollPage } from './pages.js';

export const APPLE_CONFIG = 'application/x-apple-aspen-config';
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const tokenParams = { type: 'object', required: ['token'], additionalProperties: false, properties: { token: { type: 'string', maxLength: 128 } } } as const;
const CLOSED_STATUS = { used: 410, expired: 410, revoked: 410, invalid: 404 } as const;

function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store')
    .header('content-security-policy', CSP).header('referrer-policy', 'no-referrer').send(body);
}

export async function enrollRoutes(app: FastifyInstance, options: { mcms: Mcms }): Promise<void> {
  const { mcms } = options;
  // The install button is an HTML form: its (empty) urlencoded body is read and ignored.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_request, _body, done) => done(null, {}));
  // Devices post their signed attributes as application/pkcs7-signature (iOS) and, some, octet-stream.
  app.addContentTypeParser(['application/pkcs7-signature', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));

  app.get<{ Params: { token: string } }>('/enroll/:token', { schema: { hide: true, params: tokenParams } }, async (request, reply) => {
    const link = await mcms.delivery.openLink(request.params.token);
    if (link.state !== 'open') return html(reply, CLOSED_STATUS[link.state], closedLinkPage(link.state));
    const pageUrl = `${mcms.settings.baseUrl.replace(/\/+$/, '')}/enroll/${request.params.token}`;
    const qrSvg = await QRCode.toString(pageUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
    return html(reply, 200, enrollPage({
      organization: link.organization, mailbox: link.mailbox, displayName: link.displayName, expiresAt: link.expiresAt,
      installPath: `/enroll/${request.params.token}/${link.ota ? 'profile-service' : 'profile'}`, ota: link.ota, qrSvg,
    }));
  });

  app.post<{ Params: { token: string } }>('/enroll/:token/profile', { schema: { hide: true, params: tokenParams } }, async (request, reply) => {
    try {
      const built = await mcms.delivery.downloadProfile(request.params.token);
      reply.header('content-disposition', 'attachment; filename="secure-mail.mobileconfig"');
      return await answerProfile(reply, Promise.resolve(built.mobileconfig));
    } catch (error) {
      const state = linkRefusal(error);
      if (!state) throw error;
      return html(reply, CLOSED_STATUS[state], closedLinkPage(state));
    }
  });

  // Over-the-air enrollment (Apple Profile Service): the link's button starts it ...
  app.post<{ Params: { token: string } }>('/enroll/:token/profile-service', { schema: { hide: true, params: tokenParams } }, async (request, reply) => {
    try {
      return await answerProfile(reply, mcms.delivery.ota.start(request.params.token));
    } catch (error) {
      const state = linkRefusal(error) ?? (isDomainError(error) && error.code === 'delivery.ota-disabled' ? 'invalid' : null);
      if (!state) throw error;
      return html(reply, CLOSED_STATUS[state], closedLinkPage(state));
    }
  });

  // ... and the device posts its signed requests here (phases 1 and 3). A refusal is a short text:
  // the device shows its own error, and the reason goes to the log only.
  app.post<{ Body: Buffer }>('/enroll/ota', { schema: { hide: true } }, async (request, reply) => {
    if (!Buffer.isBuffer(request.body)) return reply.code(415).type('text/plain').send('expected application/pkcs7-signature');
    try {
      return await answerProfile(reply, mcms.delivery.ota.request(request.body));
    } catch (error) {
      if (!isDomainError(error) || !error.code.startsWith('delivery.ota-')) throw error;
      request.log.warn({ code: error.code, reason: error.message }, 'over-the-air enrollment refused');
      return reply.code(error.code === 'delivery.ota-disabled' ? 404 : 403).type('text/plain').send('refused');
    }
  });
}

async function answerProfile(reply: FastifyReply, profile: Promise<Buffer>): Promise<FastifyReply> {
  return reply.type(APPLE_CONFIG).header('cache-control', 'no-store').send(await profile);
}

/** The closed-link page a refusal of the link maps to; null for anything else (a real error). */
export function linkRefusal(error: unknown): 'used' | 'expired' | 'revoked' | 'invalid' | null {
  if (!isDomainError(error)) return null;
  switch (error.code) {
    case 'delivery.link-used': return 'used';
    case 'delivery.link-expired': return 'expired';
    case 'delivery.link-revoked': return 'revoked';
    case 'delivery.link-invalid': return 'invalid';
    default: return null;
  }
}
