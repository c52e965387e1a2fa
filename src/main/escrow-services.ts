/** Binds the escrow use cases: central key generation from the key pool, history, delivery, recovery, KRA rotation. */
import { EncryptionKeyPool } from '../adapters/keys/encryption-key-pool.js';
import type { EscrowDeps } from '../domain/escrow/index.js';
import * as escrow from '../domain/escrow/index.js';
import type { Mcms } from '../entrypoints/services.js';
import { parseDuration } from '../lib/duration.js';
import type { Config } from '../config/index.js';
import type { Wiring } from './wiring.js';

export function encryptionKeyPool(config: Config): EncryptionKeyPool {
  return new EncryptionKeyPool({ algorithm: config.escrow.keyAlgorithm, size: config.escrow.poolSize });
}

/** Escrow's dependencies with the issuing CA loaded: for the escrow use cases and for those that deliver keys. */
export function escrowDeps(wiring: Wiring, pool: EncryptionKeyPool): () => Promise<EscrowDeps> {
  const { config } = wiring;
  const settings = {
    keyAlgorithm: config.escrow.keyAlgorithm, recoveryApprovals: config.escrow.recoveryApprovals,
    recoveryTtlMs: parseDuration(config.escrow.recoveryTtl)!, pkcs12Variant: config.escrow.pkcs12Variant,
  };
  return async (): Promise<EscrowDeps> => ({
    uow: wiring.uow, ca: await wiring.issuingAuthority(), subject: wiring.subjectSettings, keys: wiring.keys,
    keySource: pool, profiles: wiring.profiles, clock: wiring.clock, settings,
  });
}

export function escrowServices(wiring: Wiring, pool: EncryptionKeyPool): Pick<Mcms, 'escrow'> {
  const { config } = wiring;
  const deps = escrowDeps(wiring, pool);
  return {
    escrow: {
      generate: async (principal, input) => escrow.generateEncryptionIdentity(await deps(), principal, input),
      history: async (principal, subscriber) => escrow.encryptionHistory(await deps(), principal, subscriber),
      deliver: async (principal, subscriber, options) => escrow.deliverOwnEncryptionIdentities(await deps(), principal, subscriber, options),
      recover: async (principal, input) => escrow.requestKeyRecovery(await deps(), principal, input),
      export: async (principal, input) => escrow.exportRecoveredIdentities(await deps(), principal, input),
      recertify: async (principal, input) => escrow.recertifyEncryptionIdentity(await deps(), principal, input),
      markCompromised: async (principal, input) => escrow.markIdentityCompromised(await deps(), principal, input),
      rotateKra: async (principal, options) => escrow.rotateKraKey(await deps(), principal, options),
      warmPool: () => (config.escrow.poolSize > 0 ? pool.warm() : Promise.resolve()),
    },
  };
}
