/**
 * Subject names, S/MIME BR §7.1.4.2.2: a mailbox-validated certificate names only the mailbox (as
 * commonName); a sponsor-validated one names the person and the sponsoring organisation. The subject
 * always comes from the person's record, never from the request.
 */
import type { NameAttribute } from '../../lib/pki/index.js';
import type { ValidationType } from './model.js';

export interface SubjectSettings {
  validation: ValidationType;
  organization?: string | undefined;
  organizationIdentifier?: string | undefined;
  country?: string | undefined;
}

/** RFC 5280 Appendix A upper bound for commonName (ub-common-name). */
export const MAX_COMMON_NAME = 64;

export function subscriberSubject(settings: SubjectSettings, person: { displayName: string | null; mailbox: string }): NameAttribute[] {
  // A mailbox too long for commonName is named by emailAddress alone (ub-emailaddress-length 255).
  const fits = person.mailbox.length <= MAX_COMMON_NAME;
  if (settings.validation === 'mailbox') return [fits ? { type: 'CN', value: person.mailbox } : { type: 'emailAddress', value: person.mailbox }];
  const attrs: NameAttribute[] = [];
  if (settings.country) attrs.push({ type: 'C', value: settings.country });
  if (settings.organization) attrs.push({ type: 'O', value: settings.organization });
  if (settings.organizationIdentifier) attrs.push({ type: 'organizationIdentifier', value: settings.organizationIdentifier });
  const commonName = person.displayName ?? (fits ? person.mailbox : null);
  if (commonName) attrs.push({ type: 'CN', value: commonName });
  attrs.push({ type: 'emailAddress', value: person.mailbox });
  return attrs;
}
