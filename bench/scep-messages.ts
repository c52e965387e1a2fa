/**
 * Pre-built SCEP PKCSReq messages (RFC 8894 §3.3.1) for a benchmark, so that client key generation
 * is not measured: a small pool of device keys with their self-signed signer certificates, and for
 * each message a fresh transactionID (a server treats it as a new enrollment) and its own PKCS#10
 * with a fresh common name carrying that message's challenge, enveloped to the server's RA certificate.
 */
import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { parseSignedData } from '../src/lib/pki/index.js';
import { issueTestCertificate } from '../src/lib/pki/cms/fixtures/test-certificates.js';
import type { TestParty } from '../src/lib/pki/cms/fixtures/test-certificates.js';
import { certificationRequest, pkiMessage } from '../test/support/scep-device.js';
import type { ScepDevice } from '../test/support/scep-device.js';

const generate = promisify(generateKeyPair);

export interface ScepMessage {
  device: ScepDevice;
  body: Buffer;
}

/** `size` RSA-2048 device keys, each with the self-signed certificate that signs its pkiMessages. */
export async function deviceKeyPool(size: number): Promise<TestParty[]> {
  return Promise.all(Array.from({ length: size }, async (_, i) => {
    const keys = await generate('rsa', { modulusLength: 2048 });
    return issueTestCertificate({ commonName: `bench device ${i} self-signed`, keys, keyUsage: ['digitalSignature', 'keyEncipherment'] });
  }));
}

const encipherer = (der: Buffer) => {
  const usage = new x509.X509Certificate(der).getExtension(x509.KeyUsagesExtension);
  return usage !== null && (usage.usages & x509.KeyUsageFlags.keyEncipherment) !== 0;
};

/**
 * The certificate to envelope requests to, from GetCACert (RFC 8894 §4.2): the one whose keyUsage
 * has keyEncipherment (mcms's RA; step-ca's intermediate), else the first; a bare certificate
 * (`application/x-x509-ca-cert`, as micromdm answers) is used as it is.
 */
export async function fetchRaCertificate(scepUrl: string): Promise<Buffer> {
  const response = await fetch(`${scepUrl}?operation=GetCACert`);
  const body = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200) throw new Error(`GetCACert at ${scepUrl} answered ${response.status}`);
  if ((response.headers.get('content-type') ?? '').includes('x-x509-ca-cert')) return body;
  const { certificates } = parseSignedData(body);
  const chosen = certificates.find(encipherer) ?? certificates[0];
  if (!chosen) throw new Error(`GetCACert at ${scepUrl} returned no certificate`);
  return chosen;
}

/** One PKCSReq per challenge, signed by the pool's keys in turn, AES-128 and SHA-256. */
export async function buildMessages(pool: readonly TestParty[], raCertificate: Buffer, challenges: readonly string[]): Promise<ScepMessage[]> {
  return Promise.all(challenges.map(async (challenge, i) => {
    const party = pool[i % pool.length]!;
    // A fresh common name too, as a fleet of devices has: micromdm revokes the earlier certificate of a CN it has seen.
    const commonName = `bench device ${randomBytes(8).toString('hex')}`;
    const device: ScepDevice = { party, csr: certificationRequest(party, commonName, challenge), transactionId: randomBytes(20).toString('base64') };
    return { device, body: await pkiMessage(device, raCertificate, { contentEncryption: 'aes-128-cbc', digest: 'sha256' }) };
  }));
}
