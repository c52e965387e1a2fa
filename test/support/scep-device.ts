/**
 * A SCEP device in a test or a benchmark: its own RSA key, a PKCS#10 request with a challenge, the
 * self-signed certificate that signs its pkiMessage (RFC 8894 §2.3), and the pkiMessages themselves,
 * built with mcms's CMS code (the real-client tests use scepclient and certmonger instead). It also
 * opens CertRep replies.
 */
import { generateKeyPair, randomBytes, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import {
  bitString, contextImplicit, encodeName, integer, octetString, oid, printableString, seq, set, signatureAlgorithmFor,
  describePublicKey, parseSignedData, parseEnvelopedData, decryptEnvelopedData, idPkiStatus, idFailInfo,
  idMessageType, idSenderNonce, idTransactionID, buildEnvelopedData, buildSignedData, idData, readCertificate, encodeIssuerAndSerialNumber,
  boolean, subjectAltName,
} from '../../src/lib/pki/index.js';
import type { ContentEncryption } from '../../src/lib/pki/index.js';
import { issueTestCertificate, rawDecryptWith, signWith } from '../../src/lib/pki/cms/fixtures/test-certificates.js';
import type { TestParty } from '../../src/lib/pki/cms/fixtures/test-certificates.js';

const generate = promisify(generateKeyPair);
const CHALLENGE_PASSWORD = '1.2.840.113549.1.9.7';
const EXTENSION_REQUEST = '1.2.840.113549.1.9.14';

/** Extensions ::= SEQUENCE OF Extension (without the certificate's [3] wrapper). */
function encodeExtensionList(extensions: { oid: string; critical: boolean; value: Buffer }[]): Buffer {
  return seq(...extensions.map((e) => seq(oid(e.oid), ...(e.critical ? [boolean(true)] : []), octetString(e.value))));
}
const MESSAGE_TYPES = { PKCSReq: '19', RenewalReq: '17', CertPoll: '20', GetCert: '21', GetCRL: '22' } as const;

/** PKCS#10 (RFC 2986 §4) with an optional challengePassword and requested rfc822Names, signed SHA-256. */
export function certificationRequest(keys: { privateKey: KeyObject; publicKey: KeyObject }, commonName: string, challenge?: string, emails: string[] = []): Buffer {
  const spki = keys.publicKey.export({ type: 'spki', format: 'der' });
  const attributes = challenge ? [seq(oid(CHALLENGE_PASSWORD), set(printableString(challenge)))] : [];
  if (emails.length > 0) {
    const extensions = encodeExtensionList([subjectAltName({ emails }, false)]);
    attributes.push(seq(oid(EXTENSION_REQUEST), set(extensions)));
  }
  const info = seq(integer(0n), encodeName([{ type: 'CN', value: commonName }]), spki, contextImplicit(0, Buffer.concat(attributes), true));
  const { algorithmIdentifier, hash } = signatureAlgorithmFor(describePublicKey(spki));
  return seq(info, algorithmIdentifier, bitString(sign(hash, info, keys.privateKey)));
}

export interface ScepDevice {
  party: TestParty;
  csr: Buffer;
  transactionId: string;
}

export async function newScepDevice(challenge: string | undefined, commonName = 'device', key: 'rsa' | 'ec' = 'rsa'): Promise<ScepDevice> {
  const keys = key === 'rsa' ? await generate('rsa', { modulusLength: 2048 }) : await generate('ec', { namedCurve: 'P-256' });
  const party = issueTestCertificate({ commonName: `${commonName} self-signed`, keys, keyUsage: ['digitalSignature', 'keyEncipherment'] });
  return { party, csr: certificationRequest(keys, commonName, challenge), transactionId: randomBytes(20).toString('base64') };
}

export interface RequestOptions {
  messageType?: keyof typeof MESSAGE_TYPES;
  contentEncryption?: ContentEncryption;
  digest?: 'sha1' | 'sha256' | 'sha512';
  /** The message data; the device's CSR by default. */
  messageData?: Buffer;
  /** Signs with this certificate and key instead of the self-signed one (RenewalReq). */
  signer?: TestParty;
}

/** A pkiMessage (RFC 8894 §3.2) from the device to the RA. */
export async function pkiMessage(device: ScepDevice, raCertificate: Buffer, options: RequestOptions = {}): Promise<Buffer> {
  const signer = options.signer ?? device.party;
  const envelope = buildEnvelopedData({
    content: options.messageData ?? device.csr, recipientCertificate: raCertificate, contentEncryption: options.contentEncryption ?? 'aes-128-cbc',
  });
  return buildSignedData({
    contentType: idData, content: envelope, certificates: [signer.certificate],
    signer: {
      certificate: signer.certificate, digest: options.digest ?? 'sha256', sign: signWith(signer.privateKey),
      keyKind: signer.privateKey.asymmetricKeyType === 'ec' ? 'ec' : 'rsa',
      signedAttributes: [
        { oid: idMessageType, values: [printableString(MESSAGE_TYPES[options.messageType ?? 'PKCSReq'])] },
        { oid: idTransactionID, values: [printableString(device.transactionId)] },
        { oid: idSenderNonce, values: [octetString(randomBytes(16))] },
      ],
    },
  });
}

/** CertPoll / GetCert message data: IssuerAndSubject or IssuerAndSerialNumber (RFC 8894 §3.3.3, §3.3.4). */
export function issuerAndSubject(issuingCa: Buffer, subjectName: Buffer): Buffer {
  return seq(readCertificate(issuingCa).subject, subjectName);
}
export function issuerAndSerial(certificate: Buffer): Buffer {
  return encodeIssuerAndSerialNumber(certificate);
}

export interface CertRep {
  status: 'SUCCESS' | 'FAILURE' | 'PENDING';
  failInfo?: string;
  transactionId: string;
  certificates: Buffer[];
  /** On SUCCESS, the decrypted degenerate SignedData (certificates, or a GetCRL reply's CRL). */
  content?: Buffer;
}

const PKI_STATUS: Record<string, CertRep['status']> = { '0': 'SUCCESS', '2': 'FAILURE', '3': 'PENDING' };
const printable = (value: Buffer | undefined) => (value ? value.subarray(2).toString('latin1') : undefined);

/**
 * Reads a CertRep: its status and, on SUCCESS, the certificates decrypted with the device's key.
 * mcms answers in DER and is read strictly; `ber` admits peers built on Go's pkcs7 package (step-ca,
 * micromdm), which write the encryptedContent as a constructed OCTET STRING.
 */
export async function readCertRep(device: ScepDevice, der: Buffer, options: { signer?: TestParty; ber?: boolean } = {}): Promise<CertRep> {
  const lenience = { ber: options.ber ?? false };
  const signer = options.signer ?? device.party;
  const signed = parseSignedData(der, lenience);
  const attributes = signed.signerInfos[0]?.signedAttributes?.values;
  if (!attributes) throw new Error('CertRep without signed attributes');
  const status = PKI_STATUS[printable(attributes.get(idPkiStatus)?.[0]) ?? ''] ?? 'FAILURE';
  const rep: CertRep = { status, transactionId: printable(attributes.get(idTransactionID)?.[0]) ?? '', certificates: [] };
  if (status === 'FAILURE') rep.failInfo = printable(attributes.get(idFailInfo)?.[0]);
  if (status === 'SUCCESS') {
    if (!signed.content) throw new Error('SUCCESS without content');
    const key = { recipientCertificate: signer.certificate, rsaRawDecrypt: rawDecryptWith(signer.privateKey) };
    const inner = await decryptEnvelopedData(parseEnvelopedData(signed.content, lenience), key);
    rep.certificates = parseSignedData(inner, lenience).certificates;
    rep.content = inner;
  }
  return rep;
}
