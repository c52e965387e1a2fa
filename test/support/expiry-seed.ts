/**
 * Fills an mcms database with synthetic certificates for expiry scans (the benchmark, and the test
 * that incremental scans find what full ones find), in SQL: no CA, no round trip per row. `people`
 * subscribers; certificates number `first`…`first + count - 1`, spread evenly over the year after
 * `from` (scattered, so notAfter does not follow insertion order), one of three profiles, a person
 * holding several and some replaced by a newer one of the same profile. The DER is a placeholder: the
 * scan never reads it. SQLite numbers go in as literals: better-sqlite3 binds a JS number as REAL.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

const YEAR_S = 365 * 86_400;

export interface SeedOptions {
  count: number;
  people: number;
  from: Date;
  /** Number of the first certificate (a later batch continues the numbering); its people exist already when > 0. */
  first?: number;
}

export async function seedExpiryInventory(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres', options: SeedOptions): Promise<void> {
  const { count, people } = options;
  const first = options.first ?? 0;
  const last = first + count - 1;
  const from = sql.lit(options.from.getTime() / 1000);
  const [n, p, year, lo, hi] = [sql.lit(count), sql.lit(people), sql.lit(YEAR_S), sql.lit(first), sql.lit(last)];
  if (dialect === 'postgres') {
    if (first === 0) {
      await sql`insert into subscribers (id, display_name, status, created_at)
        select 'bench-' || g, null, 'active', now() from generate_series(0, ${sql.lit(people - 1)}) g`.execute(db);
    }
    await sql`insert into certificates (serial, issuer_id, subject, emails, not_before, not_after, profile, status, subscriber_id, device_id,
        fingerprint, public_key_hash, der, created_at)
      select lpad(to_hex(g + 4096), 32, '0'), 'bench', 'CN=bench ' || g, '[]', to_timestamp(${from}),
        to_timestamp(${from} + ((g::bigint * 7919) % ${n}) * ${year}::float8 / ${n}),
        (array['smime-signing', 'smime-encryption', 'device-auth'])[1 + g % 3], 'valid', 'bench-' || (g % ${p}), null,
        md5(g::text) || md5('f' || g), md5('k' || g), '\\x00'::bytea, now()
      from generate_series(${lo}, ${hi}) g`.execute(db);
    await sql`analyze certificates`.execute(db);
    await sql`analyze subscribers`.execute(db);
    return;
  }
  if (first === 0) {
    await sql`with recursive g(i) as (select 0 union all select i + 1 from g where i + 1 < ${p})
      insert into subscribers (id, display_name, status, created_at) select 'bench-' || i, null, 'active', '2026-01-01T00:00:00.000Z' from g`.execute(db);
  }
  await sql`with recursive g(i) as (select ${lo} union all select i + 1 from g where i + 1 <= ${hi})
    insert into certificates (serial, issuer_id, subject, emails, not_before, not_after, profile, status, subscriber_id, device_id,
        fingerprint, public_key_hash, der, created_at)
      select printf('%032x', i + 4096), 'bench', 'CN=bench ' || i, '[]', strftime('%Y-%m-%dT%H:%M:%fZ', ${from}, 'unixepoch'),
        strftime('%Y-%m-%dT%H:%M:%fZ', ${from} + ((i * 7919) % ${n}) * ${year} * 1.0 / ${n}, 'unixepoch'),
        case i % 3 when 0 then 'smime-signing' when 1 then 'smime-encryption' else 'device-auth' end, 'valid', 'bench-' || (i % ${p}), null,
        printf('%064x', i), printf('%064x', i), x'00', '2026-01-01T00:00:00.000Z'
      from g`.execute(db);
  await sql`analyze`.execute(db);
}
