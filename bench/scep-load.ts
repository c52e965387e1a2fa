/**
 * Sends pre-built PKCSReq messages to a SCEP server (POST PKIOperation, RFC 8894 §4.3) at a fixed
 * concurrency over keep-alive connections (Node's fetch), timing only the sending, and afterwards
 * opens every CertRep: a reply that is not an HTTP 200 SUCCESS carrying a certificate for the
 * device's key is a failure, and the issued serials are collected for the duplicate count.
 */
import { readCertificate } from '../src/lib/pki/index.js';
import { readCertRep } from '../test/support/scep-device.js';
import type { ScepMessage } from './scep-messages.js';

type Reply = { status: number; body: Buffer } | { error: string };

export interface LoadResult {
  seconds: number;
  replies: Reply[];
}

async function send(scepUrl: string, message: ScepMessage): Promise<Reply> {
  try {
    const response = await fetch(`${scepUrl}?operation=PKIOperation`, {
      method: 'POST', headers: { 'content-type': 'application/x-pki-message' }, body: message.body,
    });
    return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
  } catch (error) {
    return { error: (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : String(error) };
  }
}

/** Sends every message with at most `concurrency` in flight; `seconds` covers the sending only. */
export async function sendAll(scepUrl: string, messages: readonly ScepMessage[], concurrency: number): Promise<LoadResult> {
  const replies: Reply[] = new Array<Reply>(messages.length);
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < messages.length) {
      const i = next++;
      replies[i] = await send(scepUrl, messages[i]!);
    }
  }));
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, replies };
}

export interface ReplyCheck {
  /** Serials (lowercase hex) of the certificates issued, one per successful reply. */
  serials: string[];
  /** Failure reason → count. */
  failures: Map<string, number>;
}

/** How to open a server's CertRep: strictly (DER, mcms) or leniently (BER, the Go peers). */
export type ReplyEncoding = 'der' | 'ber';

async function serialOf(message: ScepMessage, reply: Reply, encoding: ReplyEncoding): Promise<string> {
  if ('error' in reply) throw new Error(`transport: ${reply.error}`);
  if (reply.status !== 200) throw new Error(`HTTP ${reply.status}`);
  const rep = await readCertRep(message.device, reply.body, { ber: encoding === 'ber' }).catch((error: unknown) => {
    throw new Error(`unreadable CertRep: ${(error as Error).message}`);
  });
  if (rep.status !== 'SUCCESS') throw new Error(`${rep.status}${rep.failInfo ? ` failInfo ${rep.failInfo}` : ''}`);
  const spki = message.device.party.publicKey.export({ type: 'spki', format: 'der' });
  const issued = rep.certificates.map(readCertificate).find((c) => c.subjectPublicKeyInfo.equals(spki));
  if (!issued) throw new Error('SUCCESS without a certificate for the device key');
  return issued.serialHex;
}

/** Opens every reply (untimed). */
export async function checkReplies(messages: readonly ScepMessage[], result: LoadResult, encoding: ReplyEncoding): Promise<ReplyCheck> {
  const check: ReplyCheck = { serials: [], failures: new Map() };
  for (const [i, message] of messages.entries()) {
    try {
      check.serials.push(await serialOf(message, result.replies[i]!, encoding));
    } catch (error) {
      const reason = (error as Error).message;
      check.failures.set(reason, (check.failures.get(reason) ?? 0) + 1);
    }
  }
  return check;
}

/** Certificates whose serial an earlier certificate in the list already had. */
export function duplicateSerials(serials: readonly string[]): number {
  return serials.length - new Set(serials).size;
}
