/**
 * Mailbox syntax as mcms accepts it for a certificate's rfc822Name (RFC 5280 §4.2.1.6 requires the
 * RFC 5321 Mailbox form): an ASCII local part and a domain with at least one dot. Internationalised
 * mailboxes (SmtpUTF8Mailbox, RFC 9598) are refused for now rather than mis-encoded.
 */
import { DomainError } from '../errors.js';
import type { SubscriberErrorCode } from './errors.js';

const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function normaliseMailbox(input: string): string {
  const address = input.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  const labels = domain.split('.');
  const ok = at > 0 && address.length <= 254 && local.length <= 64 && LOCAL.test(local)
    && labels.length >= 2 && labels.every((l) => LABEL.test(l));
  if (!ok) throw new DomainError<SubscriberErrorCode>('mailbox.invalid', `"${input}" is not a mailbox address`);
  return address;
}
