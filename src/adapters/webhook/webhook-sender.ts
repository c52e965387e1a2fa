/**
 * Outgoing webhooks (expiry notices, the `webhook` action): a JSON POST signed like the challenge
 * webhook, HMAC-SHA256 over `<timestamp>.<body>` in X-Mcms-Signature (sha256=<hex>) with
 * X-Mcms-Timestamp (Unix seconds), plus X-Mcms-Delivery, the outbox row's id, which stays the same on
 * every retry so the receiver can drop a repeat. A 2xx is delivered; a network error, a time-out, 408,
 * 429 or a 5xx is temporary (retried); any other status is a permanent refusal.
 */
import type { WebhookSender } from '../../domain/expiry/index.js';
import { WebhookError } from '../../domain/expiry/index.js';
import type { Clock } from '../../lib/clock.js';
import { signWebhookBody } from './webhook-challenge-validator.js';

export class FetchWebhookSender implements WebhookSender {
  constructor(private readonly clock: Clock) {}

  async post(url: string, body: string, options: { secret: string; timeoutMs: number; deliveryId: string }): Promise<void> {
    const timestamp = String(Math.floor(this.clock.now().getTime() / 1000));
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json', 'x-mcms-timestamp': timestamp, 'x-mcms-delivery': options.deliveryId,
          'x-mcms-signature': signWebhookBody(options.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(options.timeoutMs),
        redirect: 'error',
      });
      await response.arrayBuffer().catch(() => undefined);
    } catch (error) {
      throw new WebhookError(`webhook unreachable: ${(error as Error).name === 'TimeoutError' ? 'timed out' : (error as Error).message}`, true);
    }
    if (response.status >= 200 && response.status < 300) return;
    const temporary = response.status >= 500 || response.status === 408 || response.status === 429;
    throw new WebhookError(`webhook answered ${response.status}`, temporary);
  }
}
