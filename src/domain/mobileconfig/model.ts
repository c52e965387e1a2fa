/**
 * Apple configuration profiles (smime-mobile-notes §1; Apple's `mdm/profiles/*.yaml` schemas): the
 * payload dictionaries mcms writes, and what a per-person, per-device S/MIME profile is built from.
 */
import type { PlistDict } from '../../lib/plist/index.js';

/** The keys every payload carries (CommonPayloadKeys.yaml). */
export interface PayloadCommon extends PlistDict {
  PayloadType: string;
  PayloadVersion: 1;
  PayloadIdentifier: string;
  /** Upper-case RFC 4122 UUID, unique within the profile. */
  PayloadUUID: string;
  PayloadDisplayName?: string;
  PayloadDescription?: string;
  PayloadOrganization?: string;
}

/** A payload of the profile; its other keys are those of its type's schema. */
export type Payload = PayloadCommon & PlistDict;

/** One encryption identity to put on the device: its own PKCS#12 (exactly one identity, §1.4). */
export interface EncryptionIdentityPayload {
  serial: string;
  pkcs12: Buffer;
  password: string;
  current: boolean;
}

/** The mail account the profile sets up (§1.5, §1.6); `none` delivers the identities alone. */
export type MailAccountSettings =
  | { kind: 'none' }
  | {
    kind: 'imap';
    incomingHost: string; incomingPort: number; incomingSsl: boolean;
    outgoingHost: string; outgoingPort: number; outgoingSsl: boolean;
    /** The login name: `email` (the mailbox) or `local-part`. */
    userName: 'email' | 'local-part';
  }
  | { kind: 'exchange'; host: string; ssl: boolean; userName: 'email' | 'local-part' };

export interface SmimeProfileInput {
  /** Reverse-DNS prefix for identifiers, e.g. `com.example.mcms`. */
  identifierPrefix: string;
  organization: string;
  subscriberId: string;
  deviceId: string;
  mailbox: string;
  displayName: string | null;
  /** Root first, then intermediates (DER). */
  chain: { root: Buffer; intermediates: Buffer[] };
  scep: {
    url: string;
    name: string;
    /** X.500 subject as Apple's array of RDNs, each an array of [type, value] pairs. */
    subject: [string, string][][];
    challenge: string;
    keyUsage: 1 | 5;
  };
  /** Current first is not required; exactly one is `current`. */
  encryption: EncryptionIdentityPayload[];
  mail: MailAccountSettings;
  /** After this the device asks the profile service again (OTA); omitted for manual installs. */
  expiresAt?: Date | undefined;
}
