import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { MailError } from '../../domain/outbound-mail.js';
import { SmtpMailer } from './smtp-mailer.js';

const settings = { port: 25, secure: false, requireTls: false, from: 'mcms <mcms@example.test>', timeoutMs: 2000, maxConnections: 2 };

async function startServer(onData: (text: string) => void, reject?: { code: number; message: string }) {
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (reject) { callback(Object.assign(new Error(reject.message), { responseCode: reject.code })); return; }
        onData(Buffer.concat(chunks).toString('utf8'));
        callback();
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  return { server, port: (server.server.address() as AddressInfo).port };
}

test('sends plain text and HTML through a real SMTP server, several at once', async () => {
  const received: string[] = [];
  const { server, port } = await startServer((text) => received.push(text));
  const mailer = new SmtpMailer({ ...settings, host: '127.0.0.1', port });
  try {
    await Promise.all([1, 2, 3].map((n) => mailer.send({ to: `p${n}@example.test`, subject: `Hello ${n}`, text: `plain ${n}`, html: `<p>html ${n}</p>` })));
    assert.equal(received.length, 3);
    const first = received.find((m) => m.includes('Subject: Hello 1'));
    assert.ok(first, 'the message with its subject arrived');
    assert.match(first, /^From: mcms <mcms@example\.test>/m);
    assert.match(first, /^To: p1@example\.test/m);
    assert.match(first, /plain 1/);
    assert.match(first, /html 1/);
  } finally {
    await mailer.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('a server that is down is a temporary MailError; a 5xx refusal is permanent; no host is not configured', async () => {
  const { server, port } = await startServer(() => undefined);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const down = new SmtpMailer({ ...settings, host: '127.0.0.1', port });
  await assert.rejects(down.send({ to: 'a@example.test', subject: 's', text: 't' }), (e: unknown) => e instanceof MailError && e.temporary);
  await down.close();

  const refusing = await startServer(() => undefined, { code: 550, message: 'mailbox unavailable' });
  const refused = new SmtpMailer({ ...settings, host: '127.0.0.1', port: refusing.port });
  await assert.rejects(refused.send({ to: 'a@example.test', subject: 's', text: 't' }), (e: unknown) => e instanceof MailError && !e.temporary && /mailbox unavailable/.test(e.message));
  await refused.close();
  await new Promise<void>((resolve) => refusing.server.close(() => resolve()));

  const none = new SmtpMailer(settings);
  assert.equal(none.configured, false);
  await assert.rejects(none.send({ to: 'a@example.test', subject: 's', text: 't' }), /mail is not configured/);
});
