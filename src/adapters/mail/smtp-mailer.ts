/**
 * The Mailer over SMTP (nodemailer), with a pool of connections so a burst of notices does not open
 * one TCP and TLS session per message. Errors become `MailError`, temporary for 4xx replies and
 * connection failures, permanent for 5xx replies.
 */
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { Mailer, OutboundMail } from '../../domain/outbound-mail.js';
import { MailError } from '../../domain/outbound-mail.js';

export interface SmtpSettings {
  host?: string | undefined;
  port: number;
  secure: boolean;
  requireTls: boolean;
  user?: string | undefined;
  password?: string | undefined;
  from: string;
  timeoutMs: number;
  maxConnections: number;
}

export class SmtpMailer implements Mailer {
  readonly configured: boolean;
  private transport: Transporter | undefined;

  constructor(private readonly settings: SmtpSettings) {
    this.configured = Boolean(settings.host);
  }

  async send(mail: OutboundMail): Promise<{ messageId: string }> {
    if (!this.configured) throw new MailError('mail is not configured (set mail.host)', false);
    try {
      const info = await this.transporter().sendMail({
        from: this.settings.from, to: mail.to, subject: mail.subject, text: mail.text,
        ...(mail.html === undefined ? {} : { html: mail.html }),
        ...(mail.headers === undefined ? {} : { headers: mail.headers }),
      });
      return { messageId: String(info.messageId) };
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      const temporary = code === undefined || code < 500;
      throw new MailError(`mail to ${mail.to} not sent: ${(error as Error).message}`, temporary);
    }
  }

  async close(): Promise<void> {
    this.transport?.close();
    this.transport = undefined;
  }

  private transporter(): Transporter {
    const s = this.settings;
    this.transport ??= nodemailer.createTransport({
      pool: true, maxConnections: s.maxConnections, host: s.host, port: s.port, secure: s.secure, requireTLS: s.requireTls,
      connectionTimeout: s.timeoutMs, greetingTimeout: s.timeoutMs, socketTimeout: s.timeoutMs,
      ...(s.user === undefined ? {} : { auth: { user: s.user, pass: s.password ?? '' } }),
    });
    return this.transport;
  }
}
