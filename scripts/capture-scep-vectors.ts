#!/usr/bin/env -S node --import tsx
/**
 * Captures SCEP requests from the real clients as test vectors: micromdm's scepclient (PKCSReq, then
 * RenewalReq) and certmonger (PKCSReq over GET), against a minimal SCEP server with a test RA,
 * into src/lib/pki/scep/fixtures/vectors/ (read by vectors.test.ts), with the test RA's key they are
 * encrypted to (a new one each run: the directory is made anew). Needs the Debian packages `scep`,
 * `certmonger` and `dbus`: `node --import tsx scripts/capture-scep-vectors.ts`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildCertRep, createCertRepSigner, decryptEnvelopedData, degenerateSignedData, readMessageData, readPkiMessage } from '../src/lib/pki/index.js';
import { issueTestLeaf, rawDecryptWith, signWith, testHierarchy } from '../src/lib/pki/cms/fixtures/test-certificates.js';
import type { TestParty } from '../src/lib/pki/cms/fixtures/test-certificates.js';
import { Certmonger, scepclient } from '../test/support/scep-clients.js';

const out = resolve(import.meta.dirname, '../src/lib/pki/scep/fixtures/vectors');
const CHALLENGE = 'vector-secret';

/** A new test CA and RA; the RA is written to `out`: every vector of a run is encrypted to it. */
function testParties(): { ca: TestParty; ra: TestParty } {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const { ca, ra } = testHierarchy();
  writeFileSync(join(out, 'ra.pem'), ra.certificatePem);
  writeFileSync(join(out, 'ra.key'), ra.privateKeyPem);
  return { ca, ra };
}

async function main(): Promise<void> {
  const { ca, ra } = testParties();
  const signer = createCertRepSigner({ certificate: ra.certificate, sign: signWith(ra.privateKey), keyKind: 'rsa' });
  const captured: Buffer[] = [];
  const answer = async (body: Buffer): Promise<Buffer> => {
    const message = readPkiMessage(body);
    const plaintext = await decryptEnvelopedData(message.envelope, { recipientCertificate: ra.certificate, rsaRawDecrypt: rawDecryptWith(ra.privateKey) });
    const data = readMessageData(message.messageType, plaintext);
    const common = { transactionId: message.transactionId, recipientNonce: message.senderNonce, digest: message.digest, signer };
    if (data.messageType !== 'PKCSReq' && data.messageType !== 'RenewalReq') return buildCertRep({ ...common, status: 'FAILURE', failInfo: 'badRequest' });
    const leaf = issueTestLeaf(ca, data.request.subjectPublicKeyInfo, 'vector leaf');
    return buildCertRep({ ...common, status: 'SUCCESS', success: { certificates: [leaf, ca.certificate], recipientCertificate: message.signerCertificate, contentEncryption: message.envelope.contentEncryption } });
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const operation = url.searchParams.get('operation');
    if (operation === 'GetCACaps') return void res.end('POSTPKIOperation\nSHA-1\nSHA-256\nSHA-512\nAES\nDES3\nRenewal\nSCEPStandard\n');
    if (operation === 'GetCACert') return void res.setHeader('content-type', 'application/x-x509-ca-ra-cert').end(degenerateSignedData([ra.certificate, ca.certificate]));
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = req.method === 'POST' ? Buffer.concat(chunks) : Buffer.from(url.searchParams.get('message') ?? '', 'base64');
    captured.push(body);
    res.setHeader('content-type', 'application/x-pki-message').end(await answer(body));
  };
  const server = createServer((req, res) => void handle(req, res).catch((error: unknown) => res.writeHead(400).end(String(error))));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scep`;
  const work = mkdtempSync(join(tmpdir(), 'mcms-vectors-'));
  const keep = (name: string) => {
    const body = captured.pop();
    if (!body) throw new Error(`${name}: the client sent nothing`);
    writeFileSync(join(out, name), body);
    console.log(`${name}: ${body.length} octets`);
  };
  try {
    const enrolled = await scepclient(join(work, 'scepclient'), url, { challenge: CHALLENGE, cn: 'vector device' });
    if (enrolled.status !== 0) throw new Error(enrolled.output);
    keep('scepclient-pkcsreq.der');
    const renewed = await scepclient(join(work, 'scepclient'), url, { cn: 'vector device' });
    if (renewed.status !== 0) throw new Error(renewed.output);
    keep('scepclient-renewalreq.der');
    const certmonger = new Certmonger(join(work, 'certmonger'));
    await certmonger.start();
    try {
      const { request, list } = await certmonger.request({ caName: 'VECTORS', url, challenge: CHALLENGE, cn: 'vector device', email: 'vector@example.test' });
      if (request.status !== 0) throw new Error(`${request.output}\n${list}`);
    } finally {
      certmonger.stop();
    }
    keep('certmonger-pkcsreq.der');
  } finally {
    server.close();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
