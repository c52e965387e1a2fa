/**
 * The issuing CA at work: prepare → check → issue once (after boulder's issuance package).
 * `prepare` turns a request that the RA has already vetted into certificate content with every
 * extension the profile demands; `check` lints that content against the profile; `issue` signs a
 * prepared certificate exactly once. Issuer name, key identifier, signer and URLs are computed when the
 * authority is loaded, not per certificate.
 */
import type { KeyUsageBit, NameAttribute, PublicKeyInfo } from '../../lib/pki/index.js';
import {
  authorityInfoAccess, authorityKeyIdentifier, certificatePolicies, crlDistributionPoints, encodeName,
  extendedKeyUsage, formatName, keyIdentifier, keyUsage, randomSerial, readCertificate, serialToHex,
  subjectAltName, subjectKeyIdentifier,
} from '../../lib/pki/index.js';
import { DomainError } from '../errors.js';
import type { CertificateProfile } from '../policy/index.js';
import { keyUsageFor, MAX_VALIDITY_DAYS } from '../policy/index.js';
import type { CaErrorCode } from './errors.js';
import type { CaIdentity } from './model.js';
import type { IdentityRepository, KeyStore } from './ports.js';
import type { PublicationUrls } from './publication-urls.js';
import { crlShardOf, crlShardUrl, publicationUrls } from './publication-urls.js';
import type { CertificateContent, Signer } from './sign-certificate.js';
import { signCertificate, signerFor } from './sign-certificate.js';

const DAY_MS = 86_400_000;
/** Issued certificates start a minute in the past so that a device whose clock lags still accepts them. */
const BACKDATE_MS = 60_000;

export interface IssuanceRequest {
  profile: CertificateProfile;
  subject: NameAttribute[];
  emails: string[];
  subjectPublicKeyInfo: Buffer;
  publicKey: PublicKeyInfo;
  now: Date;
}

declare const preparedBrand: unique symbol;

/** Certificate content built and linted for one profile; only `issue` consumes it, and only once. */
export interface PreparedCertificate {
  readonly [preparedBrand]: true;
  readonly serial: string;
  readonly subject: string;
  readonly profile: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly keyUsage: readonly KeyUsageBit[];
}

export interface IssuedCertificate {
  serial: string;
  der: Buffer;
  issuerId: string;
  notBefore: Date;
  notAfter: Date;
}

const fail = (code: CaErrorCode, message: string) => new DomainError(code, message);

export class IssuingAuthority {
  private readonly pending = new WeakMap<PreparedCertificate, CertificateContent>();

  private constructor(
    readonly identity: CaIdentity,
    private readonly signer: Signer,
    private readonly issuerName: Buffer,
    private readonly issuerKeyId: Buffer,
    private readonly urls: PublicationUrls,
    private readonly crlUrlFor: (serialHex: string) => string,
  ) {}

  /** `crlShards` > 1 puts each certificate's CRL shard into its CRL DP (see crlShardOf); 1 or unset: the full CRL. */
  static async load(
    deps: { identities: IdentityRepository; keys: KeyStore },
    settings: { baseUrl: string; crlShards?: number },
  ): Promise<IssuingAuthority> {
    const identity = await deps.identities.findActive('issuing-ca');
    if (!identity) throw fail('ca.not-initialized', 'no issuing CA: run `mcms init` first');
    const key = await deps.keys.get(identity.keyId);
    const fields = readCertificate(identity.certificate);
    const keyId = fields.subjectKeyIdentifier ?? keyIdentifier(fields.subjectPublicKeyInfo);
    const urls = publicationUrls(settings.baseUrl, identity.id);
    const shards = settings.crlShards ?? 1;
    const crlUrlFor = shards > 1 ? (serialHex: string) => crlShardUrl(settings.baseUrl, identity.id, crlShardOf(serialHex, shards)) : () => urls.crl;
    return new IssuingAuthority(identity, signerFor(key), fields.subject, keyId, urls, crlUrlFor);
  }

  prepare(request: IssuanceRequest): PreparedCertificate {
    const { profile } = request;
    const notBefore = new Date(request.now.getTime() - BACKDATE_MS);
    // RFC 5280 §4.1.2.5: validity is inclusive of notAfter, hence the final second is taken off.
    const notAfter = new Date(notBefore.getTime() + profile.validityDays * DAY_MS - 1000);
    const usage = keyUsageFor(profile, request.publicKey);
    const serial = randomSerial();
    const content: CertificateContent = {
      serial,
      issuer: this.issuerName,
      subject: encodeName(request.subject),
      notBefore,
      notAfter,
      subjectPublicKeyInfo: request.subjectPublicKeyInfo,
      extensions: [
        keyUsage(usage),
        extendedKeyUsage(profile.extendedKeyUsage),
        subjectAltName({ emails: request.emails }, false),
        certificatePolicies([{ oid: profile.policyOid }]),
        crlDistributionPoints([this.crlUrlFor(serialToHex(serial))]),
        authorityInfoAccess({ caIssuers: [this.urls.caIssuers], ocsp: [this.urls.ocsp] }),
        authorityKeyIdentifier(this.issuerKeyId),
        subjectKeyIdentifier(keyIdentifier(request.subjectPublicKeyInfo)),
      ],
    };
    const prepared = {
      serial: serialToHex(serial), subject: formatName(request.subject), profile: profile.id, notBefore, notAfter, keyUsage: usage,
    } as unknown as PreparedCertificate;
    this.check(prepared, request);
    this.pending.set(prepared, content);
    return prepared;
  }

  /** Pre-issuance lint of the things a profile promises (S/MIME BR §4.3.1.2 asks for linting before signing). */
  private check(prepared: PreparedCertificate, request: IssuanceRequest): void {
    const problems: string[] = [];
    const days = (prepared.notAfter.getTime() - prepared.notBefore.getTime() + 1000) / DAY_MS;
    if (days > MAX_VALIDITY_DAYS) problems.push(`validity ${days} days exceeds ${MAX_VALIDITY_DAYS}`);
    if (request.emails.length === 0) problems.push('no rfc822Name for subjectAltName');
    if (request.subject.length === 0) problems.push('empty subject');
    if (prepared.keyUsage.length === 0) problems.push('empty keyUsage');
    if (request.profile.generation === 'strict' && request.profile.extendedKeyUsage.length !== 1) {
      problems.push('strict profiles carry id-kp-emailProtection only');
    }
    if (problems.length > 0) throw fail('ca.lint-failed', `certificate for ${prepared.subject} fails lint: ${problems.join('; ')}`);
  }

  async issue(prepared: PreparedCertificate): Promise<IssuedCertificate> {
    const content = this.pending.get(prepared);
    if (!content) throw fail('ca.already-issued', `certificate ${prepared.serial} was already issued or not prepared here`);
    this.pending.delete(prepared);
    const der = await signCertificate(this.signer, content);
    return { serial: prepared.serial, der, issuerId: this.identity.id, notBefore: prepared.notBefore, notAfter: prepared.notAfter };
  }

  certificate(): Buffer {
    return this.identity.certificate;
  }

  /** The issuer Name (DER) of every certificate this authority signs. */
  subjectName(): Buffer {
    return this.issuerName;
  }
}
