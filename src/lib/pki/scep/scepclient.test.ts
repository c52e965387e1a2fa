// SCEP against the real client: micromdm's scepclient (Go) enrols through a minimal node:http server
// built on this lib. The requests it sends are then kept as vectors for the fuzz and timing tests.
import { spawn } from 'node:child_process';
import { constants, createPublicKey, privateDecrypt, publicEncrypt, randomBytes, sign, verify } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openssl, tempDir } from '../../../../test/support/openssl.js';
import { readCertificate } from '../certificate.js';
import { PkiError } from '../errors.js';
import { decryptEnvelopedData, degenerateSignedData, parseEnvelopedData, parseSignedData } from '../cms/index.js';
import { toStreamingBer } from '../cms/fixtures/ber.js';
import { issueTestLeaf, rawDecryptWith, signWith, testHierarchy } from '../cms/fixtures/test-certificates.js';
import { buildCertRep, createCertRepSigner } from './cert-rep.js';
import type { CertRepInput } from './cert-rep.js';
import { readMessageData } from './message-data.js';
import { readPkiMessage } from './pki-message.js';
import type { PkiMessage } from './pki-message.js';

const scepclient = '/usr/bin/scepclient';
/** The tests that run the client, or need what it sent, are skipped without it (Debian package `scep`). */
const needsClient = { skip: existsSync(scepclient) ? false : `${scepclient} is not installed (Debian package scep)` };

const dir = tempDir('mcms-scepclient-');
after(() => dir.remove());

const { ca, ra } = testHierarchy();
const raSigner = createCertRepSigner({ certificate: ra.certificate, sign: signWith(ra.privateKey), keyKind: 'rsa' });
const fullCaps = 'POSTPKIOperation\nSHA-1\nSHA-256\nSHA-512\nAES\nDES3\nRenewal\nSCEPStandard\n';

type Decision = 'issue' | 'pending';
const state = { caps: fullCaps, decision: 'issue' as Decision, requests: [] as { method: string; body: Buffer }[] };

/** The server's decision for one request, as the domain would make it: challenge, then issue or wait. */
async function certRepFor(message: PkiMessage, plaintext: Buffer, decision: Decision): Promise<Buffer> {
  const common = { transactionId: message.transactionId, recipientNonce: message.senderNonce, digest: message.digest, signer: raSigner };
  const data = readMessageData(message.messageType, plaintext);
  let reply: CertRepInput;
  if (data.messageType !== 'PKCSReq' || data.request.challengePassword !== 'secret') {
    reply = { ...common, status: 'FAILURE', failInfo: 'badRequest', failInfoText: 'the challenge is not valid' };
  } else if (decision === 'pending') {
    reply = { ...common, status: 'PENDING' };
  } else {
    const leaf = issueTestLeaf(ca, data.request.subjectPublicKeyInfo, 'scepclient leaf');
    reply = {
      ...common, status: 'SUCCESS',
      success: { certificates: [leaf, ca.certificate], recipientCertificate: message.signerCertificate, contentEncryption: message.envelope.contentEncryption },
    };
  }
  return buildCertRep(reply);
}

async function pkiOperation(body: Buffer): Promise<Buffer> {
  const message = readPkiMessage(body);
  const plaintext = await decryptEnvelopedData(message.envelope, { recipientCertificate: ra.certificate, rsaRawDecrypt: rawDecryptWith(ra.privateKey) });
  return certRepFor(message, plaintext, state.decision);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const operation = url.searchParams.get('operation');
  if (operation === 'GetCACaps') {
    res.setHeader('content-type', 'text/plain').end(state.caps);
  } else if (operation === 'GetCACert') {
    res.setHeader('content-type', 'application/x-x509-ca-ra-cert').end(degenerateSignedData([ra.certificate, ca.certificate]));
  } else if (operation === 'PKIOperation') {
    // GET: base64 in `message` (scepclient uses the URL-safe alphabet; Node's decoder takes both).
    const body = req.method === 'POST' ? await readBody(req) : Buffer.from(url.searchParams.get('message') ?? '', 'base64');
    state.requests.push({ method: req.method ?? '', body });
    try {
      res.setHeader('content-type', 'application/x-pki-message').end(await pkiOperation(body));
    } catch (error) {
      res.statusCode = 400;
      res.end(error instanceof PkiError ? error.code : 'bad request');
    }
  } else {
    res.statusCode = 404;
    res.end();
  }
}

let server: Server;
let serverUrl = '';

before(async () => {
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scep`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface ClientRun { code: number | null; output: string; dir: string }

/** scepclient in a fresh directory of its own (it reuses ./csr.pem and ./self.pem). */
function runScepclient(name: string, challenge: string, options: { stopWhen?: RegExp } = {}): Promise<ClientRun> {
  const clientDir = join(dir.path, name);
  mkdirSync(clientDir);
  const args = ['-server-url', serverUrl, '-private-key', join(clientDir, 'key.pem'), '-certificate', join(clientDir, 'cert.pem'),
    '-challenge', challenge, '-cn', 'alice', '-keySize', '2048', '-debug'];
  return new Promise((resolve) => {
    const child = spawn(scepclient, args, { cwd: clientDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => child.kill(), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (options.stopWhen?.test(output)) child.kill(); // only this child, by its own handle
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, dir: clientDir });
    });
  });
}

const publicKeyDer = (pem: string): Buffer => createPublicKey(pem).export({ type: 'spki', format: 'der' });

async function enrolAndCheck(t: { diagnostic(message: string): void }, name: string): Promise<ClientRun> {
  const run = await runScepclient(name, 'secret');
  t.diagnostic(run.output.trim());
  assert.equal(run.code, 0, run.output);
  const certPem = readFileSync(join(run.dir, 'cert.pem'), 'utf8');
  writeFileSync(join(run.dir, 'ca.pem'), ca.certificatePem);
  assert.match(openssl(['verify', '-CAfile', join(run.dir, 'ca.pem'), join(run.dir, 'cert.pem')]), /: OK/);
  assert.deepEqual(publicKeyDer(certPem), publicKeyDer(readFileSync(join(run.dir, 'key.pem'), 'utf8')));
  return run;
}

const vectors = join(dir.path, 'vectors');

test('scepclient enrols over POST: a certificate that chains to the CA and holds its own key', needsClient, async (t) => {
  state.caps = fullCaps;
  state.decision = 'issue';
  state.requests = [];
  await enrolAndCheck(t, 'post');
  const [request] = state.requests;
  assert.equal(request?.method, 'POST');
  const message = readPkiMessage(request.body);
  // scepclient signs with SHA-1 and encrypts with single DES whatever is advertised.
  assert.equal(message.messageType, 'PKCSReq');
  assert.equal(message.digest, 'sha1');
  assert.equal(message.envelope.contentEncryption, 'des-cbc');
  assert.equal(message.envelope.recipients.length, 2, 'encrypted to every certificate from GetCACert');
  const plaintext = await decryptEnvelopedData(message.envelope, { recipientCertificate: ra.certificate, rsaRawDecrypt: rawDecryptWith(ra.privateKey) });
  const data = readMessageData(message.messageType, plaintext);
  assert.ok(data.messageType === 'PKCSReq');
  assert.deepEqual(data.request.subjectPublicKeyInfo, message.signerPublicKey, 'the self-signed signer holds the CSR key');
  mkdirSync(vectors);
  writeFileSync(join(vectors, 'pkcsreq.der'), request.body);
  writeFileSync(join(vectors, 'ra.pem'), ra.certificatePem + ra.privateKeyPem);
  writeFileSync(join(vectors, 'ca.pem'), ca.certificatePem + ca.privateKeyPem);
});

test('scepclient enrols over GET when POSTPKIOperation is not advertised', needsClient, async (t) => {
  state.caps = 'SHA-1\nSHA-256\nAES\nDES3\n';
  state.decision = 'issue';
  state.requests = [];
  try {
    await enrolAndCheck(t, 'get');
  } finally {
    state.caps = fullCaps;
  }
  assert.deepEqual(state.requests.map((request) => request.method), ['GET']);
  assert.equal(readPkiMessage(state.requests[0]!.body).messageType, 'PKCSReq');
});

test('a FAILURE CertRep (wrong challenge) makes scepclient exit non-zero and report the failInfo', needsClient, async (t) => {
  state.decision = 'issue';
  const run = await runScepclient('failure', 'wrong');
  t.diagnostic(run.output.trim());
  assert.notEqual(run.code, 0);
  assert.match(run.output, /request failed, failInfo: (2|badRequest)/);
});

test('a PENDING CertRep is reported as pending (scepclient then waits to poll; stopped here)', needsClient, async (t) => {
  state.decision = 'pending';
  const run = await runScepclient('pending', 'secret', { stopWhen: /pkiStatus=PENDING/ });
  state.decision = 'issue';
  t.diagnostic(run.output.trim());
  assert.match(run.output, /pkiStatus=PENDING/);
});

const readVector = (): Buffer => readFileSync(join(vectors, 'pkcsreq.der'));

/** xorshift32: a seeded generator, so a failing mutation can be reproduced from the seed printed. */
function generator(seed: number): (below: number) => number {
  let x = seed >>> 0 || 1;
  return (below) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % below;
  };
}

function mutate(original: Buffer, random: (below: number) => number): Buffer {
  const at = random(original.length);
  const bytes = Buffer.from(original);
  switch (random(8)) {
    case 0: { // a few bit flips
      for (let n = 1 + random(4); n > 0; n--) bytes[random(bytes.length)]! ^= 1 << random(8);
      return bytes;
    }
    case 1: // a byte set to an interesting value (length octets: 0x80 indefinite, 0x84 long form, 0xff)
      bytes[at] = [0x00, 0x80, 0x81, 0x84, 0xff, 0x30, 0xa0, 0x24][random(8)]!;
      return bytes;
    case 2:
      return bytes.subarray(0, at);
    case 3:
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + 1 + random(64)))]);
    case 4:
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(Array.from({ length: 1 + random(16) }, () => random(256))), bytes.subarray(at)]);
    case 5: { // a slice duplicated in place
      const length = 1 + random(200);
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at, at + length), bytes.subarray(at)]);
    }
    case 6: // the header region, where lengths and tags live
      bytes[random(Math.min(64, bytes.length))] = random(256);
      return bytes;
    default:
      return Buffer.from(Array.from({ length: random(300) }, () => random(256)));
  }
}

test('fuzz: 5,000 mutations of a real scepclient PKCSReq give only PkiError, and quickly', { ...needsClient, timeout: 120_000 }, (t) => {
  const original = readVector();
  const seed = Date.now() & 0x7fffffff;
  const random = generator(seed);
  const allowed = new Set(['scep.malformed', 'cms.bad-signature', 'cms.unsupported-algorithm']);
  const seen = new Map<string, number>();
  for (let i = 0; i < 5000; i++) {
    const input = mutate(original, random);
    let outcome = 'accepted';
    try {
      readPkiMessage(input);
    } catch (error) {
      assert.ok(error instanceof PkiError && allowed.has(error.code), `seed ${seed}, mutation ${i}: ${String(error)}`);
      outcome = error.code;
    }
    seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
  }
  t.diagnostic(`seed ${seed}: ${JSON.stringify(Object.fromEntries(seen))}`);
});

test('fuzz: 2,000 mutations of its envelope give only cms.* PkiErrors when parsed and decrypted', { ...needsClient, timeout: 120_000 }, async (t) => {
  const envelope = parseSignedData(readVector(), { ber: true }).content!;
  const seed = (Date.now() >>> 3) & 0x7fffffff;
  const random = generator(seed);
  const key = { recipientCertificate: ra.certificate, rsaRawDecrypt: rawDecryptWith(ra.privateKey) };
  const seen = new Map<string, number>();
  for (let i = 0; i < 2000; i++) {
    let outcome = 'decrypted';
    try {
      await decryptEnvelopedData(parseEnvelopedData(mutate(envelope, random), { ber: true }), key);
    } catch (error) {
      assert.ok(error instanceof PkiError && error.code.startsWith('cms.'), `seed ${seed}, mutation ${i}: ${String(error)}`);
      if (error.code === 'cms.decrypt-failed') assert.equal(error.message, 'cannot decrypt the message');
      outcome = error.code;
    }
    seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
  }
  t.diagnostic(`seed ${seed}: ${JSON.stringify(Object.fromEntries(seen))}`);
});

test('the scepclient request re-encoded as streaming BER (indefinite lengths, chunked eContent) still reads and verifies', needsClient, () => {
  const ber = toStreamingBer(readVector(), 100);
  assert.notDeepEqual(ber, readVector());
  const message = readPkiMessage(ber);
  assert.equal(message.messageType, 'PKCSReq');
  assert.deepEqual(message.envelope.encryptedContent, readPkiMessage(readVector()).envelope.encryptedContent);
});

test('timing: readPkiMessage + decrypt + readMessageData + buildCertRep for a scepclient request, in-process', needsClient, async (t) => {
  const body = readVector();
  let rsaPrivateMs = 0;
  const timed = <T>(work: () => T): T => {
    const start = performance.now();
    try {
      return work();
    } finally {
      rsaPrivateMs += performance.now() - start;
    }
  };
  const rsaRawDecrypt = async (block: Buffer) => timed(() => privateDecrypt({ key: ra.privateKey, padding: constants.RSA_NO_PADDING }, block));
  const signer = createCertRepSigner({ certificate: ra.certificate, keyKind: 'rsa', sign: async (data, hash) => timed(() => sign(hash, data, ra.privateKey)) });
  const leaf = issueTestLeaf(ca, readCertificate(ra.certificate).subjectPublicKeyInfo, 'timing leaf');
  const phases = { read: 0, decrypt: 0, messageData: 0, certRep: 0 };
  const round = async (measure: boolean) => {
    const t0 = performance.now();
    const message = readPkiMessage(body);
    const t1 = performance.now();
    const plaintext = await decryptEnvelopedData(message.envelope, { recipientCertificate: ra.certificate, rsaRawDecrypt });
    const t2 = performance.now();
    readMessageData(message.messageType, plaintext);
    const t3 = performance.now();
    await buildCertRep({
      transactionId: message.transactionId, recipientNonce: message.senderNonce, digest: message.digest, signer, status: 'SUCCESS',
      success: { certificates: [leaf, ca.certificate], recipientCertificate: message.signerCertificate, contentEncryption: message.envelope.contentEncryption },
    });
    const t4 = performance.now();
    if (!measure) return;
    phases.read += t1 - t0;
    phases.decrypt += t2 - t1;
    phases.messageData += t3 - t2;
    phases.certRep += t4 - t3;
  };
  for (let i = 0; i < 100; i++) await round(false);
  rsaPrivateMs = 0;
  const rounds = 1000;
  for (let i = 0; i < rounds; i++) await round(true);
  const per = (ms: number) => (ms / rounds).toFixed(3);
  const total = phases.read + phases.decrypt + phases.messageData + phases.certRep;
  const publicOps = publicOperationCost(body);
  t.diagnostic(`per request over ${rounds}: total ${per(total)} ms = readPkiMessage ${per(phases.read)} + decrypt ${per(phases.decrypt)} `
    + `+ readMessageData (CSR) ${per(phases.messageData)} + buildCertRep ${per(phases.certRep)}; `
    + `RSA private ops (raw decrypt + sign) ${per(rsaPrivateMs)}; without them ${per(total - rsaPrivateMs)} ms, `
    + `of which ~${publicOps.toFixed(3)} ms are the three RSA public ops (request and CSR signature checks, key transport)`);
});

/** What three RSA-2048 public-key operations cost here, for the timing report. */
function publicOperationCost(body: Buffer): number {
  const message = readPkiMessage(body);
  const key = createPublicKey({ key: message.signerPublicKey, format: 'der', type: 'spki' });
  const signature = sign('sha1', body, ra.privateKey);
  const start = performance.now();
  for (let i = 0; i < 300; i++) verify('sha1', body, ra.publicKey, signature);
  const verifyMs = (performance.now() - start) / 300;
  const encryptStart = performance.now();
  for (let i = 0; i < 300; i++) publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, randomBytes(8));
  return 2 * verifyMs + (performance.now() - encryptStart) / 300;
}
