/**
 * Process entry for `mcms`: wires the CLI to config, the composition root and the HTTP server.
 * bin/mcms calls runCli(process.argv).
 */
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { loadConfig } from '../config/index.js';
import type { CliEnvironment, GlobalOptions } from '../entrypoints/cli/context.js';
import { runProgram } from '../entrypoints/cli/program.js';
import type { Mcms } from '../entrypoints/services.js';
import { urlHost } from '../lib/url-host.js';
import { ConnectionBalancer, serveHandedConnections, workerSocketPath } from './connection-balancer.js';
import { openMcms } from './open-mcms.js';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function configFor(globals: GlobalOptions, overrides: Record<string, unknown> = {}) {
  return loadConfig({ file: globals.config, overrides: { dataDir: globals.dataDir, ...overrides } });
}

/**
 * Resolves on the first SIGINT or SIGTERM, with its name. A second signal ends the process at once,
 * except in a worker (`ignoreRepeats`): Ctrl-C reaches the supervisor and its workers together, and
 * the supervisor's own SIGTERM to them follows; a worker finishes its graceful stop regardless.
 */
function stopSignal(options: { ignoreRepeats?: boolean } = {}): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      resolve(signal);
      if (options.ignoreRepeats) return;
      process.off('SIGINT', stop).off('SIGTERM', stop);
    };
    process.on('SIGINT', stop).on('SIGTERM', stop);
  });
}

/**
 * With `workers` > 1 this process only supervises: node:cluster forks that many copies of this command,
 * this process accepts the connections and hands each to the worker with the fewest open ones
 * (connection-balancer.ts); signals are passed on and each worker shuts down gracefully.
 */
async function superviseWorkers(mcms: Mcms): Promise<void> {
  const logger = pino({ level: mcms.settings.logLevel, base: { service: 'mcms', role: 'supervisor' } });
  const balancer = new ConnectionBalancer((error) => logger.error({ err: error }, 'accepting connections failed'));
  const workers = Array.from({ length: mcms.settings.workers }, () => cluster.fork());
  let stopping = false;
  cluster.on('exit', (worker, code) => {
    if (!stopping) logger.error({ pid: worker.process.pid, code }, 'worker exited; stopping');
  });
  const workerExit = new Promise<string>((resolve) => cluster.once('exit', () => resolve('worker exit')));
  const stopWorkers = async () => {
    stopping = true;
    balancer.close();
    await Promise.all(workers.map((w) => new Promise<void>((resolve) => {
      if (w.isDead()) return resolve();
      w.once('exit', () => resolve());
      w.kill('SIGTERM');
    })));
  };
  let schedules: { stop(): Promise<void> } | null = null;
  try {
    await Promise.race([Promise.all(workers.map((w) => balancer.add(w))), workerExit.then((why) => Promise.reject(new Error(`${why} during start-up`)))]);
    const address = await balancer.listen(mcms.settings.host, mcms.settings.port);
    const url = `http://${urlHost(address.address)}:${address.port}`;
    logger.info({ url, baseUrl: mcms.settings.baseUrl, database: mcms.settings.database, workers: workers.length }, `mcms listening on ${url}`);
    for (const warning of mcms.settings.warnings) logger.warn(warning);
    // The supervisor runs the node's scheduled jobs; the workers only serve requests.
    schedules = mcms.settings.jobsEnabled ? mcms.jobs.startSchedules(logger) : null;
  } catch (error) {
    await stopWorkers();
    throw error;
  }
  const signal = await Promise.race([stopSignal(), workerExit]);
  logger.info({ signal }, 'stopping workers');
  await stopWorkers();
  await schedules?.stop();
}

async function serve(mcms: Mcms): Promise<void> {
  if (mcms.settings.workers > 1 && cluster.isPrimary) return superviseWorkers(mcms);
  // From the start: a worker the supervisor stops while it is still starting shuts down cleanly too.
  const stopping = stopSignal({ ignoreRepeats: cluster.isWorker });
  // Loaded on demand: commands other than `serve` start faster without fastify.
  const { startHttpServer } = await import('../entrypoints/http/app.js');
  const logger = pino({ level: mcms.settings.logLevel, base: { service: 'mcms' } });
  const socket = cluster.isWorker ? workerSocketPath() : null;
  const server = await startHttpServer(mcms, { logger, ...(socket ? { unixSocket: socket.path } : {}) });
  if (socket) {
    serveHandedConnections(server.app.server, (message) => {
      if (process.connected) process.send?.(message);
    });
    logger.info({ pid: process.pid }, 'mcms worker ready');
  } else {
    logger.info({ url: server.url, baseUrl: mcms.settings.baseUrl, database: mcms.settings.database }, `mcms listening on ${server.url}`);
    for (const warning of mcms.settings.warnings) logger.warn(warning);
  }
  // Pre-generates encryption key pairs off the event loop, so a person's first identity need not wait.
  mcms.escrow.warmPool().catch((error: unknown) => logger.error({ err: error }, 'encryption key pool failed'));
  const schedules = mcms.settings.jobsEnabled && !cluster.isWorker ? mcms.jobs.startSchedules(logger) : null;
  const signal = await stopping;
  logger.info({ signal }, 'shutting down');
  await schedules?.stop();
  await server.close().catch((error: unknown) => logger.error({ err: error }, 'error during shutdown'));
  socket?.remove();
  // A worker's channel to its supervisor would keep it alive after the server has stopped.
  if (cluster.isWorker) cluster.worker?.disconnect();
}

export async function runCli(argv: string[]): Promise<number> {
  const env: CliEnvironment = {
    open: async (globals, options) => openMcms(configFor(globals, options.overrides), { init: options.init }),
    config: (globals) => configFor(globals),
    serve,
    stdout: process.stdout,
    stderr: process.stderr,
    envToken: process.env.MCMS_TOKEN || undefined,
  };
  return runProgram(env, version, argv);
}
