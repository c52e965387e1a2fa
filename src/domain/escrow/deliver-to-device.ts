/**
 * Owner delivery onto a device (smime-mobile-notes §1.4, §1.8): the person's current and past
 * encryption identities, each as its own PKCS#12 with its own password, because an Apple pkcs12
 * payload holds exactly one identity. Called by the device-profile flow for the person; audited
 * without the passwords.
 */
import type { Actor } from '../audit/index.js';
import { recordAuditEvent } from '../audit/index.js';
import type { Subscriber } from '../subscribers/index.js';
import { primaryMailbox } from '../subscribers/index.js';
import type { EscrowDeps, Pkcs12Variant } from './escrow-deps.js';
import { identitiesOf, identityView } from './identity-history.js';
import { packageIdentities } from './identity-package.js';
import type { EncryptionIdentity } from './model.js';

export interface DeviceIdentityFile {
  identity: EncryptionIdentity;
  pkcs12: Buffer;
  /** Goes into the profile's pkcs12 payload; never logged or stored. */
  password: string;
}

/** One PKCS#12 per identity, current first; empty when the person has none. */
export async function packageIdentitiesForDevice(
  deps: Pick<EscrowDeps, 'uow' | 'keys' | 'clock' | 'ca' | 'settings'>,
  actor: Actor,
  subscriber: Subscriber,
  options: { deviceId: string; variant?: Pkcs12Variant | undefined },
): Promise<DeviceIdentityFile[]> {
  const mailbox = primaryMailbox(subscriber);
  const pairs = await identitiesOf(deps, subscriber);
  const variant = options.variant ?? deps.settings.pkcs12Variant;
  const files: DeviceIdentityFile[] = [];
  for (const pair of pairs) {
    const packed = await packageIdentities(deps, actor, { mailbox, pairs: [pair], variant });
    files.push({ identity: identityView(pair.record, pair.certificate), ...packed });
  }
  if (files.length > 0) {
    await deps.uow.transaction((tx) => recordAuditEvent(tx.audit, deps.clock, actor, {
      action: 'escrow.deliver-device', target: mailbox,
      details: { device: options.deviceId, variant, serials: files.map((f) => f.identity.serial) },
    }));
  }
  return files;
}
