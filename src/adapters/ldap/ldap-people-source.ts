/**
 * People from an LDAP or AD directory for the sync: a subtree search under the base DN with the
 * configured filter, in pages (RFC 2696 simple paged results, which AD needs past its 1,000-entry
 * limit), asking only for the mapped attributes, every value as bytes so the domain can refuse
 * invalid UTF-8 instead of receiving replacement characters.
 */
import type { AttributeMapping, DirectorySource, RawDirectoryEntry } from '../../domain/directory/index.js';
import type { LdapConnection } from './ldap-connection.js';
import { entryValues } from './ldap-connection.js';

export interface LdapPeopleSourceSettings {
  baseDn: string;
  filter: string;
  pageSize: number;
  mapping: AttributeMapping;
}

export class LdapPeopleSource implements DirectorySource {
  constructor(private readonly connection: LdapConnection, private readonly settings: LdapPeopleSourceSettings) {}

  async *pages(): AsyncIterable<RawDirectoryEntry[]> {
    const { baseDn, filter, pageSize, mapping } = this.settings;
    const attributes = [...new Set([mapping.mail, mapping.proxyAddresses, mapping.name, 'cn', mapping.login, mapping.department, 'userAccountControl', mapping.disabled]
      .filter(Boolean))];
    const pages = await this.connection.run(async (client) =>
      client.searchPaginated(baseDn, { scope: 'sub', filter: filter.startsWith('(') ? filter : `(${filter})`, attributes, explicitBufferAttributes: attributes, paged: { pageSize } }));
    const iterator = pages[Symbol.asyncIterator]();
    for (;;) {
      const next = await this.connection.run(() => iterator.next());
      if (next.done) return;
      yield next.value.searchEntries.map((entry) => ({
        dn: entry.dn,
        attributes: new Map(attributes.map((a) => [a.toLowerCase(), entryValues(entry, a)])),
      }));
    }
  }
}
