/**
 * A real SMTP server (smtp-server) for tests, on a port that stays the same when it is stopped and
 * started again, so a test can take the mail server down and bring it back.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string;
  raw: string;
  subject: string;
  messageId: string;
}

export class MailSink {
  readonly received: ReceivedMail[] = [];
  private server: SMTPServer | null = null;
  private placeholder: Server | null = null;
  private constructor(readonly port: number) {}

  /**
   * A sink on a free port that is down: it holds the port (so no other test file can take it
   * meanwhile) and drops every connection at once, until `start`.
   */
  static async reserve(): Promise<MailSink> {
    const placeholder = createServer((socket) => socket.destroy());
    placeholder.listen(0, '127.0.0.1');
    await once(placeholder, 'listening');
    const sink = new MailSink((placeholder.address() as AddressInfo).port);
    sink.placeholder = placeholder;
    return sink;
  }

  async start(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(raw)?.[1]?.trim() ?? '';
          for (const rcpt of session.envelope.rcptTo) this.received.push({ to: rcpt.address, raw, subject: header('Subject'), messageId: header('Message-ID') });
          callback();
        });
      },
    });
    // The placeholder lets go of the port and the SMTP server takes it straight after.
    const placeholder = this.placeholder;
    this.placeholder = null;
    if (placeholder) await new Promise<void>((resolve) => placeholder.close(() => resolve()));
    server.listen(this.port, '127.0.0.1');
    await once(server.server, 'listening');
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    const placeholder = this.placeholder;
    this.placeholder = null;
    placeholder?.close();
  }
}
