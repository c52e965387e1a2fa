/**
 * `mcms escrow rotate-kra`: a new escrow (KRA) key, and every data key re-wrapped under it in batches.
 * Only data keys move: no archived private key is decrypted. Each record names the KRA key that wraps
 * it, so an interrupted rotation is resumed by running it again (it finishes the records still under an
 * older key before it would start another rotation). Each batch commits with its audit record.
 */
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import { recordAuditEvent } from '../audit/index.js';
import { KRA_ALGORITHM } from './escrow-deps.js';
import type { EscrowDeps } from './escrow-deps.js';
import { unwrapDataKey, wrapDataKey } from './key-archive.js';
import type { EscrowRecord } from './model.js';

export interface KraRotation {
  kraKeyId: string;
  /** True when this run started a new key; false when it resumed an earlier rotation. */
  started: boolean;
  rewrapped: number;
  remaining: number;
}

async function targetKey(deps: EscrowDeps, principal: Principal): Promise<{ keyId: string; started: boolean }> {
  const active = await deps.uow.read.kraKeys.active();
  if (active && (await deps.uow.read.escrow.countNotWrappedBy(active.keyId)) > 0) return { keyId: active.keyId, started: false };
  const now = deps.clock.now();
  const key = await deps.keys.generate({ algorithm: KRA_ALGORITHM, label: `escrow KRA ${now.toISOString()}` });
  await deps.uow.transaction(async (tx) => {
    await tx.kraKeys.insert({ keyId: key.id, status: 'active', createdAt: now });
    await tx.kraKeys.retireAllBut(key.id);
    await recordAuditEvent(tx.audit, deps.clock, principal.actor, {
      action: 'escrow.kra-rotate', target: key.id, details: { previous: active?.keyId ?? null, algorithm: KRA_ALGORITHM },
    });
  });
  return { keyId: key.id, started: true };
}

export async function rotateKraKey(
  deps: EscrowDeps,
  principal: Principal,
  options: { batchSize?: number | undefined; limit?: number | undefined } = {},
): Promise<KraRotation> {
  requirePermission(principal, 'operators.write');
  const { keyId, started } = await targetKey(deps, principal);
  const target = await deps.keys.get(keyId);
  const batchSize = options.batchSize ?? 100;
  let rewrapped = 0;
  for (;;) {
    const room = options.limit === undefined ? batchSize : Math.min(batchSize, options.limit - rewrapped);
    if (room <= 0) break;
    const batch = await deps.uow.read.escrow.listNotWrappedBy(keyId, room);
    if (batch.length === 0) break;
    const moved: { record: EscrowRecord; wrappedKey: Buffer }[] = [];
    for (const record of batch) {
      const dataKey = await unwrapDataKey(record, await deps.keys.get(record.kraKeyId));
      try {
        moved.push({ record, wrappedKey: wrapDataKey(target.publicKey, dataKey) });
      } finally {
        dataKey.fill(0);
      }
    }
    await deps.uow.transaction(async (tx) => {
      let n = 0;
      for (const m of moved) if (await tx.escrow.rewrap(m.record.id, { fromKraKeyId: m.record.kraKeyId, toKraKeyId: keyId, wrappedKey: m.wrappedKey })) n += 1;
      await recordAuditEvent(tx.audit, deps.clock, principal.actor, { action: 'escrow.kra-rewrap', target: keyId, details: { records: n } });
      rewrapped += n;
    });
  }
  return { kraKeyId: keyId, started, rewrapped, remaining: await deps.uow.read.escrow.countNotWrappedBy(keyId) };
}
