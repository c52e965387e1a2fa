/**
 * The webhook challenge validator: asks an outside service whether a SCEP challenge is good and for
 * whom. The POST is signed with HMAC-SHA256 over `<timestamp>.<body>` (header X-Mcms-Signature:
 * sha256=<hex>, X-Mcms-Timestamp: Unix seconds) so the service can check it came from mcms and is
 * fresh. It fails closed: a timeout, an error status or an answer that is not understood is a refusal.
 *
 * Answer: 200 with {"allow": true, "subscriber": "<mailbox or id>", "deviceId": "<id>"?} or
 * {"allow": false, "reason": "<text>"}.
 */
import { createHmac } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import { toPem } from '../../lib/pki/index.js';
import { DomainError } from '../../domain/errors.js';
import type { ChallengeGrant, ChallengeQuestion, ChallengeValidator, EnrollmentErrorCode } from '../../domain/enrollment/index.js';

export interface WebhookSettings {
  url: string;
  secret: string;
  timeoutMs: number;
}

const refuse = (message: string) => new DomainError<EnrollmentErrorCode>('challenge.invalid', message);

export function signWebhookBody(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export class WebhookChallengeValidator implements ChallengeValidator {
  readonly name = 'webhook';
  constructor(private readonly settings: WebhookSettings, private readonly clock: Clock) {}

  async grant(question: ChallengeQuestion): Promise<ChallengeGrant> {
    const body = JSON.stringify({
      event: 'scep.challenge', challenge: question.challenge, profile: question.profile, transactionId: question.transactionId,
      subject: question.csr.subject, requestedEmails: question.csr.requestedEmails, csr: toPem('CERTIFICATE REQUEST', question.csr.der),
    });
    const timestamp = String(Math.floor(this.clock.now().getTime() / 1000));
    let answer: unknown;
    try {
      const response = await fetch(this.settings.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-mcms-timestamp': timestamp, 'x-mcms-signature': signWebhookBody(this.settings.secret, timestamp, body) },
        body,
        signal: AbortSignal.timeout(this.settings.timeoutMs),
        redirect: 'error',
      });
      if (response.status !== 200) throw new Error(`status ${response.status}`);
      answer = await response.json();
    } catch {
      throw refuse('the challenge could not be checked');
    }
    return readAnswer(answer);
  }
}

function readAnswer(answer: unknown): ChallengeGrant {
  const a = (answer ?? {}) as { allow?: unknown; subscriber?: unknown; deviceId?: unknown; reason?: unknown };
  if (a.allow !== true) throw refuse(typeof a.reason === 'string' && a.reason ? `the challenge was refused: ${a.reason.slice(0, 200)}` : 'the challenge was refused');
  if (typeof a.subscriber !== 'string' || a.subscriber === '') throw refuse('the challenge could not be checked');
  const deviceId = typeof a.deviceId === 'string' && a.deviceId !== '' ? a.deviceId : null;
  return { subscriber: a.subscriber, deviceId, challengeId: null };
}
