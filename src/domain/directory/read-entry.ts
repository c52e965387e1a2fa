/**
 * Reads one directory entry into a person through the attribute mapping, or says why it cannot:
 * no mail, a mail that is not a mailbox, invalid UTF-8 (LDAP strings are UTF-8, RFC 4517 §3.3.6),
 * oversized values. AD: `proxyAddresses` values `SMTP:` (primary) and `smtp:` (others) are mailboxes,
 * other address types (X500:, SIP:) are ignored; `userAccountControl` bit 2 (ACCOUNTDISABLE) disables.
 */
import { DomainError } from '../errors.js';
import { normaliseMailbox } from '../subscribers/index.js';
import type { AttributeMapping, DirectoryPerson, RawDirectoryEntry } from './model.js';

/** RFC 5280 ub-common-name: the display name may become a certificate's commonName. */
const MAX_NAME = 64;
const MAX_VALUE = 1024;
const MAX_MAILBOXES = 32;
const ACCOUNTDISABLE = 0x2;

const utf8 = new TextDecoder('utf-8', { fatal: true });

class EntryProblem extends Error {}

function texts(entry: RawDirectoryEntry, attribute: string): string[] {
  if (!attribute) return [];
  const values = entry.attributes.get(attribute.toLowerCase()) ?? [];
  return values.map((value) => {
    if (value.length > MAX_VALUE) throw new EntryProblem(`${attribute} has a value of ${value.length} bytes (more than ${MAX_VALUE})`);
    try {
      return utf8.decode(value);
    } catch {
      throw new EntryProblem(`${attribute} is not valid UTF-8`);
    }
  });
}

function first(entry: RawDirectoryEntry, attribute: string): string | null {
  return texts(entry, attribute).map((v) => v.trim()).find(Boolean) ?? null;
}

function mailbox(value: string, attribute: string): string {
  try {
    return normaliseMailbox(value);
  } catch (error) {
    if (error instanceof DomainError) throw new EntryProblem(`${attribute} "${value.slice(0, 80)}" is not a mailbox address`);
    throw error;
  }
}

function mailboxesOf(entry: RawDirectoryEntry, mapping: AttributeMapping): string[] {
  const mails = texts(entry, mapping.mail).map((v) => v.trim()).filter(Boolean).map((v) => mailbox(v, mapping.mail));
  let primary = mails[0] ?? null;
  const extra: string[] = mails.slice(1);
  for (const value of texts(entry, mapping.proxyAddresses)) {
    const match = /^(smtp):(.+)$/i.exec(value.trim());
    if (!match) continue;
    const address = mailbox(match[2]!, mapping.proxyAddresses);
    if (match[1] === 'SMTP') primary = address;
    extra.push(address);
  }
  if (!primary) throw new EntryProblem(`no ${mapping.mail}`);
  const all = [...new Set([primary, ...extra])];
  if (all.length > MAX_MAILBOXES) throw new EntryProblem(`${all.length} mailboxes (more than ${MAX_MAILBOXES})`);
  return all;
}

function isDisabled(entry: RawDirectoryEntry, mapping: AttributeMapping): boolean {
  const control = first(entry, 'userAccountControl');
  if (control !== null && /^-?\d+$/.test(control) && (Number(control) & ACCOUNTDISABLE) !== 0) return true;
  return mapping.disabled ? first(entry, mapping.disabled)?.toUpperCase() === 'TRUE' : false;
}

export function readDirectoryEntry(entry: RawDirectoryEntry, mapping: AttributeMapping): DirectoryPerson | { problem: string } {
  try {
    const displayName = first(entry, mapping.name) ?? first(entry, 'cn');
    if (displayName && displayName.length > MAX_NAME) throw new EntryProblem(`${mapping.name} is longer than ${MAX_NAME} characters`);
    return {
      dn: entry.dn, mailboxes: mailboxesOf(entry, mapping), displayName, loginName: first(entry, mapping.login),
      department: first(entry, mapping.department), disabled: isDisabled(entry, mapping),
    };
  } catch (error) {
    if (error instanceof EntryProblem) return { problem: error.message };
    throw error;
  }
}
