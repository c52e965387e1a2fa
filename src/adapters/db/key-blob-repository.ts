/** Sealed software keys (adapters/keys owns the format; this table only holds the bytes). */
import type { Kysely } from 'kysely';
import type { KeyBlob, KeyBlobRepository } from '../keys/key-blob.js';
import type { Database } from './schema.js';
import { dateFrom, instant } from './schema.js';

export class KyselyKeyBlobRepository implements KeyBlobRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async put(blob: KeyBlob): Promise<void> {
    await this.db.insertInto('keys').values({
      id: blob.id,
      label: blob.label,
      algorithm: blob.algorithm,
      public_key: blob.publicKey,
      sealed: blob.sealed,
      created_at: instant(blob.createdAt),
    }).execute();
  }

  async get(id: string): Promise<KeyBlob | null> {
    const row = await this.db.selectFrom('keys').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    return {
      id: row.id,
      label: row.label,
      algorithm: row.algorithm,
      publicKey: row.public_key,
      sealed: row.sealed,
      createdAt: dateFrom(row.created_at),
    };
  }
}
