/**
 * Publication on an LDAP or AD directory (smime-mobile-notes §8.1): finds a person's entry by mail (and
 * AD `proxyAddresses`), and adds or removes exact certificate values. The entry's current values are
 * read first (so that values already there or already gone are skipped), then every change to the
 * entry goes in one modify request (atomic per RFC 4511 §4.6). Attributes without an equality rule —
 * OpenLDAP's `userSMIMECertificate` is Binary syntax, and refuses both the `;binary` option and
 * deleting a value (inappropriateMatching) — are then replaced with their edited value list instead;
 * a concurrent edit of the same attribute between the read and the replace would be lost (acceptable:
 * only mcms writes these attributes in practice).
 */
import { Attribute, Change } from 'ldapts';
import type { AttributeChange, DirectoryPublisher } from '../../domain/publication/index.js';
import type { LdapConnection } from './ldap-connection.js';
import { INAPPROPRIATE_MATCHING, LdapResultError, NO_SUCH_OBJECT, entryValues, escapeFilterValue } from './ldap-connection.js';

export interface LdapPublisherSettings {
  baseDn: string;
  filter: string;
  mailAttribute: string;
  proxyAddressesAttribute: string;
}

const has = (list: readonly Buffer[], value: Buffer) => list.some((v) => v.equals(value));

interface Edit {
  attribute: string;
  present: Buffer[];
  add: Buffer[];
  remove: Buffer[];
}

export class LdapPublisher implements DirectoryPublisher {
  constructor(private readonly connection: LdapConnection, private readonly settings: LdapPublisherSettings) {}

  async findEntry(addresses: readonly string[]): Promise<string | null> {
    if (addresses.length === 0) return null;
    const { mailAttribute, proxyAddressesAttribute, baseDn, filter } = this.settings;
    const terms = addresses.flatMap((address) => {
      const value = escapeFilterValue(address);
      return [`(${mailAttribute}=${value})`, ...(proxyAddressesAttribute ? [`(${proxyAddressesAttribute}=smtp:${value})`] : [])];
    });
    const query = `(&${filter.startsWith('(') ? filter : `(${filter})`}(|${terms.join('')}))`;
    const { searchEntries } = await this.connection.run((client) => client.search(baseDn, { scope: 'sub', filter: query, attributes: ['1.1'], sizeLimit: 5 }));
    return searchEntries[0]?.dn ?? null;
  }

  async updateEntry(dn: string, changes: readonly AttributeChange[]): Promise<void> {
    const present = await this.read(dn, changes.map((c) => c.attribute));
    if (present === null) {
      if (changes.some((c) => c.add.length > 0)) throw new Error(`LDAP entry ${dn} does not exist`);
      return;
    }
    const edits: Edit[] = changes.map((c) => {
      const values = present.get(c.attribute) ?? [];
      return { attribute: c.attribute, present: values, add: c.add.filter((v) => !has(values, v)), remove: c.remove.filter((v) => has(values, v)) };
    }).filter((e) => e.add.length + e.remove.length > 0);
    if (edits.length === 0) return;
    try {
      await this.connection.run((client) => client.modify(dn, edits.flatMap(valueChanges)));
    } catch (error) {
      if (!(error instanceof LdapResultError && error.resultCode === INAPPROPRIATE_MATCHING)) throw error;
      await this.connection.run((client) => client.modify(dn, edits.flatMap((e) => (e.remove.length > 0 ? [replacement(e)] : valueChanges(e)))));
    }
  }

  /** The attributes' values on the entry, or null when the entry does not exist. */
  private async read(dn: string, attributes: string[]): Promise<Map<string, Buffer[]> | null> {
    try {
      const buffers = [...new Set(attributes.flatMap((a) => [a, a.split(';')[0]!]))];
      const { searchEntries } = await this.connection.run((client) =>
        client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes, explicitBufferAttributes: buffers }));
      const entry = searchEntries[0];
      return entry ? new Map(attributes.map((a) => [a, entryValues(entry, a)])) : null;
    } catch (error) {
      if (error instanceof LdapResultError && error.resultCode === NO_SUCH_OBJECT) return null;
      throw error;
    }
  }
}

function valueChanges(edit: Edit): Change[] {
  return [
    ...(edit.remove.length > 0 ? [new Change({ operation: 'delete', modification: new Attribute({ type: edit.attribute, values: edit.remove }) })] : []),
    ...(edit.add.length > 0 ? [new Change({ operation: 'add', modification: new Attribute({ type: edit.attribute, values: edit.add }) })] : []),
  ];
}

/** The attribute's whole new value list, for directories that cannot delete one value of it. */
function replacement(edit: Edit): Change {
  const values = [...edit.present.filter((v) => !has(edit.remove, v)), ...edit.add];
  return new Change({ operation: 'replace', modification: new Attribute({ type: edit.attribute, values }) });
}
