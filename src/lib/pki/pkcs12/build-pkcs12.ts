/**
 * Builds a PKCS #12 file (RFC 7292 §4, password privacy and integrity modes) as clean DER: one
 * encrypted SafeContents with every certificate bag (identities first, each with its localKeyId and
 * friendlyName, then the deduplicated chain), one id-data SafeContents with a pkcs8ShroudedKeyBag per
 * identity, and a MacData. Two variants (docs: smime-mobile-notes §4.7):
 * - legacy: pbeWithSHAAnd3-KeyTripleDES-CBC for keys and certificates, HMAC-SHA1 MAC, 8-octet salts;
 *   what iOS and macOS import reliably;
 * - modern: PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC, HMAC-SHA256 MAC, 16-octet salts (OpenSSL 3's).
 * Every salt and IV is fresh; exported PKCS#8 is zeroed once encrypted.
 */
import { seq } from '../der.js';
import { PkiError } from '../errors.js';
import type { Pkcs12Hash } from './appendix-b-kdf.js';
import { encryptedDataContentInfo } from './authenticated-safe.js';
import type { EncryptedContent } from './encrypted-content.js';
import { checkIdentities } from './identity-input.js';
import type { CheckedIdentity, Pkcs12IdentityInput } from './identity-input.js';
import { checkBuildIterations, defaultIterations } from './iteration-count.js';
import { encodeMacData } from './mac-data.js';
import { checkPassword } from './password.js';
import { encryptPbes2 } from './pbes2.js';
import { dataContentInfo, encodePfx } from './pfx.js';
import { encryptPkcs12Pbe } from './pkcs12-pbe.js';
import { certificateBag, safeContents, shroudedKeyBag } from './safe-bags.js';

export type Pkcs12Variant = 'legacy' | 'modern';

export interface Pkcs12BuildInput {
  identities: Pkcs12IdentityInput[];
  /** Not empty; newPkcs12Password() makes a suitable one. */
  password: string;
  variant: Pkcs12Variant;
  /** KDF iterations for every PBE and the MAC: 2048 (the default) to 1,000,000. */
  iterations?: number;
}

interface VariantProfile {
  encrypt: (plaintext: Buffer, password: string, iterations: number) => EncryptedContent;
  macHash: Pkcs12Hash;
  macSaltLength: number;
}

const variants: Record<Pkcs12Variant, VariantProfile> = {
  legacy: { encrypt: encryptPkcs12Pbe, macHash: 'sha1', macSaltLength: 8 },
  modern: { encrypt: encryptPbes2, macHash: 'sha256', macSaltLength: 16 },
};

function certificateBags(identities: readonly CheckedIdentity[]): Buffer[] {
  const bags = identities.map((identity) => certificateBag(identity.certificate, identity.attributes));
  const included = new Set(identities.map((identity) => identity.certificate.toString('base64')));
  for (const certificate of identities.flatMap((identity) => identity.chain)) {
    const key = certificate.toString('base64');
    if (included.has(key)) continue;
    included.add(key);
    bags.push(certificateBag(certificate));
  }
  return bags;
}

function keyBag(identity: CheckedIdentity, encrypt: (plaintext: Buffer) => EncryptedContent): Buffer {
  const pkcs8 = identity.privateKey.export({ type: 'pkcs8', format: 'der' });
  try {
    return shroudedKeyBag(encrypt(pkcs8), identity.attributes);
  } finally {
    pkcs8.fill(0);
  }
}

export function buildPkcs12(input: Pkcs12BuildInput): Buffer {
  checkPassword(input.password);
  const profile = Object.hasOwn(variants, input.variant) ? variants[input.variant] : undefined;
  if (!profile) throw new PkiError('pkcs12.invalid-input', 'variant must be "legacy" or "modern"');
  const iterations = checkBuildIterations(input.iterations ?? defaultIterations);
  const identities = checkIdentities(input.identities);
  const encrypt = (plaintext: Buffer): EncryptedContent => profile.encrypt(plaintext, input.password, iterations);
  const certificates = encryptedDataContentInfo(encrypt(safeContents(certificateBags(identities))));
  const keys = dataContentInfo(safeContents(identities.map((identity) => keyBag(identity, encrypt))));
  const authenticatedSafe = seq(certificates, keys);
  const macData = encodeMacData(authenticatedSafe, input.password, { hash: profile.macHash, iterations, saltLength: profile.macSaltLength });
  return encodePfx(authenticatedSafe, macData);
}
