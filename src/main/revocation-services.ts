/**
 * Binds revocation: revoke, the lost-device and leaver actions, CRLs (and the OCSP responder). The
 * hooks object is where other modules join a revocation (see domain/revocation/revocation-deps.ts):
 * device delivery (`enrollmentLinks`, `inviteReplacement`) and directory publication (`directory`)
 * set their functions here; until then they do nothing.
 */
import * as access from '../domain/access/index.js';
import type { StatusAuthority } from '../domain/ca/index.js';
import { loadStatusAuthorities, renewOcspSigner } from '../domain/ca/index.js';
import type { CrlDeps, RevocationDeps, RevocationHooks } from '../domain/revocation/index.js';
import * as revocation from '../domain/revocation/index.js';
import type { Mcms } from '../entrypoints/services.js';
import type { Wiring } from './wiring.js';

export interface RevocationServices {
  revoke: Mcms['certificates']['revoke'];
  deviceLost: Mcms['devices']['lost'];
  subscriberLeave: Mcms['subscribers']['leave'];
  crl: Mcms['crl'];
  ocsp: Mcms['ocsp'];
  /** The CAs as status publishers, loaded once; `reload` after a responder certificate is renewed. */
  authorities: { get(): Promise<StatusAuthority[]>; reload(): void };
}

/**
 * The revocation log's newest seq read at most once per turn of the event loop, shared by the OCSP
 * answers given in that turn. Every request answered in a turn was readable when the turn's poll
 * returned, before this read: a request sent after a revocation was committed still finds it.
 */
function onceAPerTurn(read: (() => number | undefined) | undefined): (() => number | undefined) | undefined {
  if (!read) return undefined;
  let seq: number | undefined | null = null;
  return () => {
    if (seq === null) {
      seq = read();
      setImmediate(() => { seq = null; });
    }
    return seq;
  };
}

/** The seams other modules fill in (main/ wiring only); empty by default. */
export const revocationHooks: RevocationHooks = {};

export function revocationServices(wiring: Wiring, hooks: RevocationHooks = revocationHooks): RevocationServices {
  let loaded: Promise<StatusAuthority[]> | undefined;
  const authorities = {
    get: () => {
      loaded ??= loadStatusAuthorities({ identities: wiring.store.read.identities, keys: wiring.keys });
      loaded.catch(() => { loaded = undefined; });
      return loaded;
    },
    reload: () => { loaded = undefined; },
  };
  const deps: RevocationDeps = { uow: wiring.uow, clock: wiring.clock, profiles: wiring.profiles, hooks };
  const crlDeps: CrlDeps = {
    uow: wiring.uow, clock: wiring.clock, authorities: authorities.get,
    settings: { ...revocation.DEFAULT_CRL_SETTINGS, baseUrl: wiring.config.baseUrl, shards: wiring.config.crl.shards },
  };
  const responder = new revocation.OcspResponder({
    revocations: wiring.store.read.revocations, latestSeqNow: onceAPerTurn(wiring.store.latestRevocationSeqNow), clock: wiring.clock, authorities: authorities.get, settings: revocation.DEFAULT_OCSP_SETTINGS,
  });
  const validityDays = wiring.config.ca.ocspSignerValidityDays;
  const ocsp: Mcms['ocsp'] = {
    respond: (request) => responder.respond(request),
    cachedAnswer: (request) => responder.cachedAnswer(request),
    renewSigner: async (principal, options) => {
      if (principal) access.requirePermission(principal, 'operations.run');
      const actor = principal?.actor ?? { kind: 'system' as const, id: 'ocsp-signer-renewal', name: 'ocsp-signer-renewal' };
      const renewal = await renewOcspSigner({ uow: wiring.uow, keys: wiring.keys, clock: wiring.clock }, actor, {
        validityDays, renewBeforeDays: Math.min(30, validityDays / 4), force: options.force === true,
      });
      if (renewal.renewed) {
        authorities.reload();
        responder.reload();
      }
      return renewal;
    },
  };
  wiring.crlForIssuer = async (issuerName) => {
    const authority = (await authorities.get()).find((a) => a.name.equals(issuerName));
    return authority ? (await revocation.currentCrl(crlDeps, authority.identity.id, 'full')).der : null;
  };
  return {
    ocsp,
    revoke: (principal, input) => revocation.revokeCertificate(deps, principal, input),
    deviceLost: (principal, input) => revocation.reportDeviceLost(deps, principal, input),
    subscriberLeave: (principal, input) => revocation.recordSubscriberLeaving(deps, principal, input),
    crl: {
      generate: (principal, options) => revocation.generateCrls(crlDeps, principal, { deltaOnly: options.deltaOnly === true }),
      refresh: () => revocation.refreshCrls(crlDeps),
      current: (issuerId, kind) => revocation.currentCrl(crlDeps, issuerId, kind),
      shard: (issuerId, shard) => revocation.currentShardCrl(crlDeps, issuerId, shard),
      numbers: (issuerId) => revocation.crlNumbers(crlDeps, issuerId),
    },
    authorities,
  };
}
