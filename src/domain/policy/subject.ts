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

export function subscriberSubject(settings: SubjectSettings, person: { displayName: string | null; mailbox: string }): NameAttribute[] {
  if (settings.validation === 'mailbox') return [{ type: 'CN', value: person.mailbox }];
  const attrs: NameAttribute[] = [];
  if (settings.country) attrs.push({ type: 'C', value: settings.country });
  if (settings.organization) attrs.push({ type: 'O', value: settings.organization });
  if (settings.organizationIdentifier) attrs.push({ type: 'organizationIdentifier', value: settings.organizationIdentifier });
  attrs.push({ type: 'CN', value: person.displayName ?? person.mailbox });
  attrs.push({ type: 'emailAddress', value: person.mailbox });
  return attrs;
}
