/** The CA's own identities (root, issuing CA, RA, OCSP and profile signers): certificate and key id. */
import type { Kysely, Selectable } from 'kysely';
import type { CaIdentity, IdentityRepository, IdentityRole } from '../../domain/ca/index.js';
import type { CaIdentitiesTable, Database } from './schema.js';
import { dateFrom, flag, flagFrom, instant } from './schema.js';

function identityFrom(row: Selectable<CaIdentitiesTable>): CaIdentity {
  return {
    id: row.id,
    role: row.role as IdentityRole,
    issuerId: row.issuer_id,
    certificate: row.certificate,
    keyId: row.key_id,
    active: flagFrom(row.active),
    createdAt: dateFrom(row.created_at),
  };
}

export class KyselyIdentityRepository implements IdentityRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(identity: CaIdentity): Promise<void> {
    await this.db.insertInto('ca_identities').values({
      id: identity.id,
      role: identity.role,
      issuer_id: identity.issuerId,
      certificate: identity.certificate,
      key_id: identity.keyId,
      active: flag(identity.active),
      created_at: instant(identity.createdAt),
    }).execute();
  }

  async findById(id: string): Promise<CaIdentity | null> {
    const row = await this.db.selectFrom('ca_identities').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? identityFrom(row) : null;
  }

  /** The newest active identity in that role (after a rollover the old one may still be active). */
  async findActive(role: IdentityRole): Promise<CaIdentity | null> {
    const row = await this.db.selectFrom('ca_identities').selectAll()
      .where('role', '=', role)
      .where('active', '=', flag(true))
      .orderBy('created_at', 'desc').orderBy('id', 'desc')
      .executeTakeFirst();
    return row ? identityFrom(row) : null;
  }

  async list(): Promise<CaIdentity[]> {
    const rows = await this.db.selectFrom('ca_identities').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(identityFrom);
  }
}
