/**
 * CRLs per CA (RFC 5280 §5; S/MIME BR §4.9.7): a complete CRL and a delta CRL on one cRLNumber
 * sequence, each with authorityKeyIdentifier, cRLNumber and issuingDistributionPoint (the URL every
 * certificate's CRL DP names); the complete one points at the delta (freshestCRL), the delta names its
 * base (deltaCRLIndicator). Entries of expired certificates are dropped. The entries are read from the
 * revocation log in batches and written straight into DER (lib/pki/crl.ts), then signed once.
 * Complete CRLs live 7 days and are re-signed daily; deltas live a day and are re-signed when something
 * was revoked since, or after 12 hours.
 *
 * Shards (`crl.shards` N > 1): certificates issued with sharding on name `/crl/<ca>-s<k>.crl` in their
 * CRL DP (domain/ca crlShardOf). Shard k's CRL is cut from the current complete CRL: the same revocation
 * log up to its coversSeq, the same thisUpdate, nextUpdate and cRLNumber (each shard is its own scope,
 * RFC 5280 §5.2.3, and its number rises with the complete CRL's), only the entries of shard k, and an
 * issuingDistributionPoint naming the shard URL so a relying party applies it only to certificates that
 * point there. Shards carry no freshestCRL: the delta's scope is the complete CRL's. The complete CRL
 * keeps every entry, so certificates issued before sharding (plain CRL DP) stay covered.
 */
import type { Clock } from '../../lib/clock.js';
import {
  assembleCertificateList, authorityKeyIdentifier, crlNumber, deltaCrlIndicator, encodeCrlEntries, encodeTbsCertList,
  freshestCrl, issuingDistributionPoint,
} from '../../lib/pki/index.js';
import type { Extension } from '../../lib/pki/index.js';
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import type { StatusAuthority } from '../ca/index.js';
import { crlShardOf, crlShardUrl, publicationUrls } from '../ca/index.js';
import { DomainError } from '../errors.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { RevocationErrorCode } from './errors.js';
import type { CrlKind, CrlState, PublishedCrl } from './model.js';
import type { CrlStateRepository, RevocationRepository } from './ports.js';

const HOUR_MS = 3_600_000;

export interface CrlSettings {
  baseUrl: string;
  /** nextUpdate − thisUpdate of a complete CRL (S/MIME BR: at most 10 days; we keep 7). */
  fullValidityMs: number;
  /** How often a complete CRL is re-signed even when nothing changed. */
  fullIntervalMs: number;
  deltaValidityMs: number;
  deltaIntervalMs: number;
  /** Entries read per batch. */
  batchSize: number;
  /** CRL shards (1: none); see the header. */
  shards: number;
}

export const DEFAULT_CRL_SETTINGS: Omit<CrlSettings, 'baseUrl'> = {
  fullValidityMs: 7 * 24 * HOUR_MS, fullIntervalMs: 24 * HOUR_MS, deltaValidityMs: 24 * HOUR_MS, deltaIntervalMs: 12 * HOUR_MS, batchSize: 10_000,
  shards: 1,
};

export interface CrlDeps {
  uow: UnitOfWork<{ revocations: RevocationRepository; crlState: CrlStateRepository }>;
  clock: Clock;
  authorities(): Promise<StatusAuthority[]>;
  settings: CrlSettings;
}

async function authorityFor(deps: CrlDeps, issuerId: string): Promise<StatusAuthority> {
  const authority = (await deps.authorities()).find((a) => a.identity.id === issuerId);
  if (!authority) throw new DomainError<RevocationErrorCode>('revocation.unknown-ca', `no CA ${issuerId.slice(0, 64)} publishes CRLs here`);
  return authority;
}

/** Reads the CA's entries in batches (after `afterSeq`, up to `coversSeq`, of shard `shard` if given) as DER batches. */
async function entryBatches(
  deps: CrlDeps,
  issuerId: string,
  scope: { afterSeq: number; coversSeq: number; now: Date; shard: number | null },
): Promise<Buffer[]> {
  const batches: Buffer[] = [];
  const inShard = (serial: string) => scope.shard === null || crlShardOf(serial, deps.settings.shards) === scope.shard;
  let afterSeq = scope.afterSeq;
  for (;;) {
    const entries = await deps.uow.read.revocations.entries(issuerId, { afterSeq, notExpiredAt: scope.now, limit: deps.settings.batchSize });
    const within = entries.filter((e) => e.seq <= scope.coversSeq);
    const listed = within.filter((e) => inShard(e.serial));
    if (listed.length > 0) batches.push(encodeCrlEntries(listed.map((e) => ({ serialHex: e.serial, revokedAt: e.revokedAt, reasonCode: e.reasonCode }))));
    if (entries.length < deps.settings.batchSize || within.length < entries.length) break;
    afterSeq = entries[entries.length - 1]!.seq;
  }
  return batches;
}

/** Builds and signs one CRL; a delta lists the entries after its base's seq; a shard only its shard's entries. */
async function buildCrl(
  deps: CrlDeps,
  authority: StatusAuthority,
  spec: { kind: CrlKind; number: number; base: PublishedCrl | null; coversSeq: number; now: Date; shard?: number },
): Promise<PublishedCrl> {
  const { kind, now } = spec;
  const issuerId = authority.identity.id;
  const urls = publicationUrls(deps.settings.baseUrl, issuerId);
  const shard = spec.shard ?? null;
  const batches = await entryBatches(deps, issuerId, { afterSeq: kind === 'delta' ? spec.base!.coversSeq : 0, coversSeq: spec.coversSeq, now, shard });
  const idp = shard === null ? urls.crl : crlShardUrl(deps.settings.baseUrl, issuerId, shard);
  const extensions: Extension[] = [authorityKeyIdentifier(authority.keyIdentifier), crlNumber(spec.number), issuingDistributionPoint(idp)];
  if (kind === 'delta') extensions.push(deltaCrlIndicator(spec.base!.number));
  else if (shard === null) extensions.push(freshestCrl(urls.deltaCrl));
  const validity = kind === 'full' ? deps.settings.fullValidityMs : deps.settings.deltaValidityMs;
  const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const nextUpdate = new Date(thisUpdate.getTime() + validity);
  const tbs = encodeTbsCertList({
    signatureAlgorithm: authority.crlAlgorithmIdentifier, issuer: authority.name, thisUpdate, nextUpdate, entryBatches: batches, extensions,
  });
  const der = assembleCertificateList(tbs, authority.crlAlgorithmIdentifier, await authority.signCrl(tbs));
  return { kind, issuerId, number: spec.number, thisUpdate, nextUpdate, coversSeq: spec.coversSeq, der, ...(shard === null ? {} : { shard }) };
}

async function publish(deps: CrlDeps, authority: StatusAuthority, kind: CrlKind, base: PublishedCrl | null): Promise<PublishedCrl> {
  const now = deps.clock.now();
  const coversSeq = await deps.uow.read.revocations.latestSeq();
  const number = await deps.uow.transaction((tx) => tx.crlState.nextNumber(authority.identity.id));
  const crl = await buildCrl(deps, authority, { kind, number, base, coversSeq, now });
  await deps.uow.transaction((tx) => tx.crlState.save(crl));
  return crl;
}

/** A complete CRL and a fresh delta on top of it. */
async function publishBoth(deps: CrlDeps, authority: StatusAuthority): Promise<{ full: PublishedCrl; delta: PublishedCrl }> {
  const full = await publish(deps, authority, 'full', null);
  return { full, delta: await publish(deps, authority, 'delta', full) };
}

export interface CrlRefresh {
  issuerId: string;
  published: CrlKind[];
}

function due(crl: PublishedCrl | null, now: Date, intervalMs: number): boolean {
  return crl === null || now.getTime() - crl.thisUpdate.getTime() >= intervalMs || crl.nextUpdate.getTime() <= now.getTime();
}

function deltaDue(delta: PublishedCrl | null, full: PublishedCrl, latestSeq: number, now: Date, intervalMs: number): boolean {
  return delta === null || delta.number < full.number || delta.coversSeq < latestSeq || due(delta, now, intervalMs);
}

/** What the `crl-refresh` job does for each CA: re-sign what is due, or changed since it was signed. */
export async function refreshCrls(deps: CrlDeps, options: { force?: boolean } = {}): Promise<CrlRefresh[]> {
  const results: CrlRefresh[] = [];
  for (const authority of await deps.authorities()) {
    const latest = await deps.uow.read.revocations.latestSeq(authority.identity.id);
    const now = deps.clock.now();
    const state: CrlState | null = await deps.uow.read.crlState.find(authority.identity.id);
    const full = state?.full ?? null;
    if (options.force || full === null || due(full, now, deps.settings.fullIntervalMs)) {
      await publishBoth(deps, authority);
      results.push({ issuerId: authority.identity.id, published: ['full', 'delta'] });
    } else if (deltaDue(state?.delta ?? null, full, latest, now, deps.settings.deltaIntervalMs)) {
      await publish(deps, authority, 'delta', full);
      results.push({ issuerId: authority.identity.id, published: ['delta'] });
    } else {
      results.push({ issuerId: authority.identity.id, published: [] });
    }
  }
  return results;
}

/** `mcms crl generate`: a new complete CRL and delta for every CA now (or only deltas). */
export async function generateCrls(deps: CrlDeps, principal: Principal, options: { deltaOnly?: boolean } = {}): Promise<PublishedCrl[]> {
  requirePermission(principal, 'operations.run');
  const out: PublishedCrl[] = [];
  for (const authority of await deps.authorities()) {
    if (options.deltaOnly) {
      const state = await deps.uow.read.crlState.find(authority.identity.id);
      if (state?.full) {
        out.push(await publish(deps, authority, 'delta', state.full));
        continue;
      }
    }
    const both = await publishBoth(deps, authority);
    out.push(both.full, both.delta);
  }
  return out;
}

/** The CRL a relying party downloads; the first request after set-up publishes one. */
export async function currentCrl(deps: CrlDeps, issuerId: string, kind: CrlKind): Promise<PublishedCrl> {
  const authority = await authorityFor(deps, issuerId);
  const state = await deps.uow.read.crlState.find(issuerId);
  const existing = kind === 'full' ? state?.full : state?.delta;
  if (existing) return existing;
  const both = await publishBoth(deps, authority);
  return kind === 'full' ? both.full : both.delta;
}

/**
 * Shard `shard` of a CA's CRL (see the header), cut from its current complete CRL; unknown when the CA
 * has no shards or the shard is out of range. A new complete CRL (crl-refresh, `mcms crl generate`)
 * makes a new set of shards. Each is signed once, by whichever worker or node is asked for it first,
 * and stored; everyone then serves the stored octets (with an ECDSA CA two signings would differ, and
 * a relying party would see the same CRL under two ETags).
 */
export async function currentShardCrl(deps: CrlDeps, issuerId: string, shard: number): Promise<PublishedCrl> {
  if (deps.settings.shards <= 1 || !Number.isInteger(shard) || shard < 0 || shard >= deps.settings.shards) {
    throw new DomainError<RevocationErrorCode>('revocation.unknown-ca', `no CRL shard ${shard} for ${issuerId.slice(0, 64)}`);
  }
  const authority = await authorityFor(deps, issuerId);
  const full = await currentCrl(deps, issuerId, 'full');
  const stored = await deps.uow.read.crlState.findShard(issuerId, shard);
  if (stored?.number === full.number) return stored;
  const built = await buildCrl(deps, authority, { kind: 'full', number: full.number, base: null, coversSeq: full.coversSeq, now: full.thisUpdate, shard });
  if (await deps.uow.transaction((tx) => tx.crlState.saveShard({ ...built, shard }))) return built;
  // Another worker stored its signing of this shard first: serve that one.
  const winner = await deps.uow.read.crlState.findShard(issuerId, shard);
  return winner?.number === full.number ? winner : built;
}

/** The published CRL numbers, for an edge cache that asks "has it changed?" before reading the DER. */
export async function crlNumbers(deps: CrlDeps, issuerId: string): Promise<{ full: number | null; delta: number | null } | null> {
  return deps.uow.read.crlState.numbers(issuerId);
}
