/**
 * People from an LDAP or AD directory for the sync: a paged subtree search under the base DN with the
 * configured filter (LdapConnection.searchPages), asking only for the mapped attributes, every value as
 * bytes so the domain can refuse invalid UTF-8 instead of receiving replacement characters.
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
    for await (const entries of this.connection.searchPages(baseDn, { filter, attributes, buffers: attributes, pageSize })) {
      yield entries.map((entry) => ({
        dn: String(entry.dn),
        attributes: new Map(attributes.map((a) => [a.toLowerCase(), entryValues(entry, a)])),
      }));
    }
  }
}
