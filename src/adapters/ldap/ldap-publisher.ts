/**
 * Publication on an LDAP or AD directory (smime-mobile-notes §8.1): finds a person's entry by mail (and
 * AD `proxyAddresses`), and adds or removes exact certificate values. A change is one modify request
 * (delete these values, add those; atomic per RFC 4511 §4.6). Attributes without an equality rule —
 * OpenLDAP's `userSMIMECertificate` is Binary syntax, and refuses both the `;binary` option and
 * deleting a value (inappropriateMatching) — are read, edited and replaced instead; a concurrent
 * edit of the same attribute between the read and the replace would be lost (acceptable: only mcms
 * writes these attributes in practice).
 */
import { Attribute, Change } from 'ldapts';
import type { DirectoryPublisher } from '../../domain/publication/index.js';
import type { LdapConnection } from './ldap-connection.js';
import { INAPPROPRIATE_MATCHING, LdapResultError, NO_SUCH_OBJECT, entryValues, escapeFilterValue } from './ldap-connection.js';

export interface LdapPublisherSettings {
  baseDn: string;
  filter: string;
  mailAttribute: string;
  proxyAddressesAttribute: string;
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

  async updateValues(dn: string, attribute: string, change: { add: readonly Buffer[]; remove: readonly Buffer[] }): Promise<void> {
    const present = await this.read(dn, attribute);
    if (present === null) {
      if (change.add.length > 0) throw new Error(`LDAP entry ${dn} does not exist`);
      return;
    }
    const has = (list: readonly Buffer[], value: Buffer) => list.some((v) => v.equals(value));
    const add = change.add.filter((v) => !has(present, v));
    const remove = change.remove.filter((v) => has(present, v));
    if (add.length + remove.length === 0) return;
    const changes = [
      ...(remove.length > 0 ? [new Change({ operation: 'delete', modification: new Attribute({ type: attribute, values: [...remove] }) })] : []),
      ...(add.length > 0 ? [new Change({ operation: 'add', modification: new Attribute({ type: attribute, values: add }) })] : []),
    ];
    try {
      await this.connection.run((client) => client.modify(dn, changes));
    } catch (error) {
      if (!(error instanceof LdapResultError && error.resultCode === INAPPROPRIATE_MATCHING)) throw error;
      const values = [...present.filter((v) => !has(remove, v)), ...add];
      await this.connection.run((client) => client.modify(dn, new Change({ operation: 'replace', modification: new Attribute({ type: attribute, values }) })));
    }
  }

  /** The attribute's values on the entry, or null when the entry does not exist. */
  private async read(dn: string, attribute: string): Promise<Buffer[] | null> {
    try {
      const { searchEntries } = await this.connection.run((client) =>
        client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: [attribute], explicitBufferAttributes: [attribute, attribute.split(';')[0]!] }));
      const entry = searchEntries[0];
      return entry ? entryValues(entry, attribute) : null;
    } catch (error) {
      if (error instanceof LdapResultError && error.resultCode === NO_SUCH_OBJECT) return null;
      throw error;
    }
  }
}
