/**
 * Mail leaving mcms (invitations, re-delivery links, expiry notices). The domain composes the
 * message; the adapter (SMTP) sends it. A send that fails throws `MailError`: callers that must not
 * lose a message write it to an outbox first and retry from there.
 */
export interface OutboundMail {
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
  /** Extra headers, e.g. a stable Message-ID or List-Id. */
  headers?: Record<string, string> | undefined;
}

export interface Mailer {
  /** Whether mail is configured; when not, `send` refuses and callers show links instead. */
  readonly configured: boolean;
  /** Sends one message; resolves with the transport's message id. */
  send(mail: OutboundMail): Promise<{ messageId: string }>;
  close(): Promise<void>;
}

/** A message could not be handed to the mail server (down, refused, timed out, not configured). */
export class MailError extends Error {
  constructor(message: string, readonly temporary: boolean) {
    super(message);
    this.name = 'MailError';
  }
}
