/**
 * mcms with its HTTP server, for SCEP tests over HTTP: one person known, and the RA and issuing CA
 * certificates as GetCACert gives them to a device.
 */
import pino from 'pino';
import { startHttpServer } from '../../src/entrypoints/http/app.js';
import type { RunningHttpServer } from '../../src/entrypoints/http/app.js';
import type { Clock } from '../../src/lib/clock.js';
import { parseSignedData } from '../../src/lib/pki/index.js';
import type { Dialect, TestInstance } from './instance.js';
import { startInstance } from './instance.js';

export interface ScepTestServer {
  instance: TestInstance;
  server: RunningHttpServer;
  ra: Buffer;
  issuing: Buffer;
  close(): Promise<void>;
}

export async function startScepServer(dialect: Dialect, person: string, env: Record<string, string> = {}, options: { clock?: Clock } = {}): Promise<ScepTestServer> {
  const instance = await startInstance(dialect, { MCMS_PORT: '0', MCMS_HOST: '127.0.0.1', ...env }, options);
  const server = await startHttpServer(instance.mcms, { logger: pino({ level: 'silent' }) });
  await instance.mcms.subscribers.add(instance.mcms.localPrincipal(), { email: person });
  const caCerts = Buffer.from(await (await fetch(`${server.url}/scep?operation=GetCACert`)).arrayBuffer());
  const [ra, issuing] = parseSignedData(caCerts).certificates as [Buffer, Buffer];
  return {
    instance, server, ra, issuing,
    close: async () => {
      await server.close();
      await instance.dispose();
    },
  };
}
