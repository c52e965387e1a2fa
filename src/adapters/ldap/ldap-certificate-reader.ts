/**
 * The certificate values on people's entries (`ldap.certificateAttribute`, `userCertificate;binary` by
 * default), for the import of certificates from other CAs: a paged subtree search under the base DN with
 * the configured filter (LdapConnection.searchPages), asking for that one attribute as bytes.
 * Entries without a value are left out.
 */
import type { DirectoryCertificateEntry, DirectoryCertificates } from '../../domain/expiry/index.js';
import type { LdapConnection } from './ldap-connection.js';
import { entryValues } from './ldap-connection.js';

export interface LdapCertificateReaderSettings {
  baseDn: string;
  filter: string;
  pageSize: number;
  certificateAttribute: string;
}

export class LdapCertificateReader implements DirectoryCertificates {
  constructor(private readonly connection: LdapConnection, private readonly settings: LdapCertificateReaderSettings) {}

  async *pages(): AsyncIterable<DirectoryCertificateEntry[]> {
    const { baseDn, filter, pageSize, certificateAttribute } = this.settings;
    const buffers = [...new Set([certificateAttribute, certificateAttribute.split(';')[0]!])];
    for await (const entries of this.connection.searchPages(baseDn, { filter, attributes: [certificateAttribute], buffers, pageSize })) {
      yield entries
        .map((entry) => ({ dn: String(entry.dn), values: entryValues(entry, certificateAttribute) }))
        .filter((entry) => entry.values.length > 0);
    }
  }
}
