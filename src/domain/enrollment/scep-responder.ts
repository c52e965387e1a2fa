/**
 * The SCEP responder (RFC 8894 §3–§4): what GetCACaps, GetCACert and PKIOperation answer. It holds the
 * RA's certificate, key and pre-encoded signer, and the GetCACert reply, built once. A PKIOperation is
 * read and its signature verified (a message that cannot be read is refused as `scep.bad-message`, an
 * HTTP 400 at the edge); from then on every refusal is a signed CertRep FAILURE with its failInfo.
 */
import type { CertRepSigner, ContentEncryption, MessageData, PkiMessage } from '../../lib/pki/index.js';
import {
  buildCertRep, certificateSerialHex, createCertRepSigner, decryptEnvelopedData, degenerateSignedData, PkiError,
  readMessageData, readPkiMessage,
} from '../../lib/pki/index.js';
import type { IdentityRepository, KeyStore, SigningKey } from '../ca/index.js';
import { DomainError } from '../errors.js';
import type { EnrollmentErrorCode } from './errors.js';
import type { ScepEnrollmentDeps } from './scep-enrollment.js';
import { enrollOverScep, fetchCertificate, pollScepTransaction } from './scep-enrollment.js';
import type { ScepOutcome } from './scep-outcome.js';
import { failureFrom } from './scep-outcome.js';

const UNREADABLE: ScepOutcome = { status: 'FAILURE', failInfo: 'badMessageCheck', reason: 'the message cannot be read' };
const NOT_RSA: ScepOutcome = { status: 'FAILURE', failInfo: 'badAlg', reason: 'sign the message with an RSA key: the reply is encrypted to it' };

/** RFC 8894 §3.5.2. GetNextCACert is not offered: mcms does not roll CAs over yet. */
export const SCEP_CAPABILITIES = ['POSTPKIOperation', 'SHA-1', 'SHA-256', 'SHA-512', 'AES', 'DES3', 'Renewal', 'SCEPStandard'];

/** Read leniently: a client's self-signed certificate need not be strict DER. Null if it cannot be read. */
function signerSerial(certificate: Buffer): string | null {
  try {
    return certificateSerialHex(certificate);
  } catch (error) {
    if (error instanceof PkiError) return null;
    throw error;
  }
}

export class ScepResponder {
  readonly capabilities = `${SCEP_CAPABILITIES.join('\n')}\n`;

  private constructor(
    private readonly raCertificate: Buffer,
    private readonly raKey: SigningKey & { rsaRawDecrypt(block: Buffer): Promise<Buffer> },
    private readonly signer: CertRepSigner,
    /** RA, issuing CA and root, as a degenerate SignedData (`application/x-x509-ca-ra-cert`). */
    readonly caCertificates: Buffer,
    private readonly issuingCertificate: Buffer,
  ) {}

  static async load(deps: { identities: IdentityRepository; keys: KeyStore }): Promise<ScepResponder> {
    const ra = await deps.identities.findActive('scep-ra');
    const issuing = await deps.identities.findActive('issuing-ca');
    const root = await deps.identities.findActive('root-ca');
    if (!ra || !issuing || !root) throw new DomainError('ca.not-initialized', 'no SCEP RA: run `mcms init` first');
    const key = await deps.keys.get(ra.keyId);
    if (!key.rsaRawDecrypt) throw new Error('the SCEP RA key must be an RSA key');
    const raKey = key as SigningKey & { rsaRawDecrypt(block: Buffer): Promise<Buffer> };
    const signer = createCertRepSigner({ certificate: ra.certificate, keyKind: 'rsa', sign: (data, hash) => raKey.sign(data, hash as 'sha256') });
    // The RA first, then its whole chain: certmonger verifies the CertRep's signer up to a root it was given here.
    const caCertificates = degenerateSignedData([ra.certificate, issuing.certificate, root.certificate]);
    return new ScepResponder(ra.certificate, raKey, signer, caCertificates, issuing.certificate);
  }

  /** PKIOperation for the certificate profile the URL names. */
  async pkiOperation(deps: ScepEnrollmentDeps, profile: string, body: Buffer): Promise<Buffer> {
    let message: PkiMessage;
    try {
      message = readPkiMessage(body);
    } catch (error) {
      if (error instanceof PkiError) throw new DomainError<EnrollmentErrorCode>('scep.bad-message', error.message);
      throw error;
    }
    const outcome = await this.decide(deps, profile, message);
    return this.reply(message, outcome);
  }

  private async decide(deps: ScepEnrollmentDeps, profile: string, message: PkiMessage): Promise<ScepOutcome> {
    const content = await this.readContent(message);
    if (!content) return UNREADABLE;
    // Every answer with a certificate or CRL is encrypted to the signer's key, and key transport needs
    // RSA (RFC 8894 §3.2.2): refused before a challenge is used or anything issued.
    if (message.signerKeyKind !== 'rsa') return NOT_RSA;
    try {
      if ('request' in content) {
        const serial = signerSerial(message.signerCertificate);
        if (serial === null) return { status: 'FAILURE', failInfo: 'badMessageCheck', reason: 'the signer certificate has no readable serial number' };
        return await enrollOverScep(deps, {
          kind: content.messageType, profile, transactionId: message.transactionId, csr: content.request,
          signerCertificate: { der: message.signerCertificate, serial, subjectPublicKeyInfo: message.signerPublicKey },
        });
      }
      switch (content.messageType) {
        case 'CertPoll':
          return await pollScepTransaction(deps, {
            profile, transactionId: message.transactionId, signerCertificate: message.signerCertificate, requesterPublicKey: message.signerPublicKey,
          });
        case 'GetCert':
          return await fetchCertificate(deps, content);
        case 'GetCRL': {
          const crl = await deps.crl?.(content.issuer);
          return crl ? { status: 'CRL', crl } : { status: 'FAILURE', failInfo: 'badCertId', reason: 'no CRL for that issuer here' };
        }
      }
    } catch (error) {
      return failureFrom(error);
    }
  }

  /**
   * Decrypts and reads the message content. Every way this can fail — the key transport, the CBC
   * padding, the DER, the CSR's own signature — gives the same answer, so that the replies are no
   * padding oracle on the encrypted content (which carries the challenge password).
   */
  private async readContent(message: PkiMessage): Promise<MessageData | null> {
    try {
      const plaintext = await decryptEnvelopedData(message.envelope, { recipientCertificate: this.raCertificate, rsaRawDecrypt: (b) => this.raKey.rsaRawDecrypt(b) });
      return readMessageData(message.messageType, plaintext);
    } catch (error) {
      if (error instanceof PkiError) return null;
      throw error;
    }
  }

  private reply(message: PkiMessage, outcome: ScepOutcome): Promise<Buffer> {
    const common = { transactionId: message.transactionId, recipientNonce: message.senderNonce, digest: message.digest, signer: this.signer };
    if (outcome.status === 'SUCCESS') {
      return buildCertRep({
        ...common, status: 'SUCCESS',
        success: {
          certificates: [outcome.certificate, this.issuingCertificate],
          recipientCertificate: message.signerCertificate,
          contentEncryption: message.envelope.contentEncryption as ContentEncryption,
        },
      });
    }
    if (outcome.status === 'CRL') {
      return buildCertRep({
        ...common, status: 'SUCCESS',
        success: {
          certificates: [], crls: [outcome.crl], recipientCertificate: message.signerCertificate,
          contentEncryption: message.envelope.contentEncryption as ContentEncryption,
        },
      });
    }
    if (outcome.status === 'PENDING') return buildCertRep({ ...common, status: 'PENDING' });
    return buildCertRep({ ...common, status: 'FAILURE', failInfo: outcome.failInfo, failInfoText: outcome.reason });
  }
}
