/**
 * A second process for the conformance suite: opens the store at argv[2] (PostgreSQL schema in argv[3],
 * or "-") and appends argv[4] audit records, one transaction each, while another process does the
 * same. Each transaction reads first, pauses (as issuance pauses to sign), then writes: the pattern
 * that fails at once with SQLITE_BUSY under a deferred BEGIN. It prints "ok" when all committed. It
 * stands in for the CLI writing beside a running server.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { openStore } from '../../src/adapters/db/open-store.js';
import { recordAuditEvent } from '../../src/domain/audit/index.js';

const [url, schema, countText, name] = process.argv.slice(2);
if (!url || !schema || !countText || !name) throw new Error('usage: append-audit-records URL SCHEMA|- COUNT NAME');

const store = await openStore({ url, ...(schema === '-' ? {} : { schema }) });
const clock = { now: () => new Date() };
const actor = { kind: 'system' as const, id: name, name };
try {
  for (let i = 0; i < Number(countText); i += 1) {
    await store.transaction(async (tx) => {
      await tx.audit.head();
      await sleep(2);
      await recordAuditEvent(tx.audit, clock, actor, { action: 'test.append', target: `${name}-${i}` });
    });
  }
  process.stdout.write('ok\n');
} finally {
  await store.close();
}
