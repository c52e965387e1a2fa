/**
 * The `mcms` command (commander). Each command group lives in commands/; this file sets the global
 * options and turns every failure into one line on stderr and a meaningful exit code.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../../config/index.js';
import { urlHost } from '../../lib/url-host.js';
import { isDomainError } from '../../domain/errors.js';
import type { ErrorCode } from '../../domain/error-codes.js';
import type { CliEnvironment, CommandContext, GlobalOptions } from './context.js';
import { CliError } from './context.js';
import { EXIT, EXIT_CODES } from './exit-codes.js';
import { registerCertificates } from './commands/cert.js';
import { registerChallenges } from './commands/challenge.js';
import { registerConfig } from './commands/config.js';
import { registerDelivery } from './commands/delivery.js';
import { registerEscrow } from './commands/escrow.js';
import { registerExpiry } from './commands/expiry.js';
import { registerInit } from './commands/init.js';
import { registerJobs } from './commands/job.js';
import { registerOperators } from './commands/operator.js';
import { registerServe } from './commands/serve.js';
import { registerSubscribers } from './commands/subscriber.js';
import { registerDirectory } from './commands/directory.js';
import { registerRevocation } from './commands/revocation.js';

export function buildProgram(env: CliEnvironment, version: string): Command {
  const program = new Command('mcms')
    .description('Mobile Certificate Management System: S/MIME certificates for phones, tablets and desktops')
    .version(version)
    .option('--data-dir <dir>', 'data directory (MCMS_DATA_DIR, default ./data)')
    .option('--config <file>', 'config file, JSON or YAML (MCMS_CONFIG, default ./mcms.config.json if present)')
    .option('--json', 'machine-readable output: one JSON document on stdout')
    .option('--token <token>', 'act as the operator with this API token (MCMS_TOKEN); default: the local administrator')
    .showHelpAfterError('(run mcms --help for usage)')
    .configureOutput({
      writeOut: (s) => env.stdout.write(s),
      writeErr: (s) => env.stderr.write(s),
    })
    .exitOverride();
  const context = (): CommandContext => ({ env, globals: program.opts<GlobalOptions>() });
  registerInit(program, context);
  registerServe(program, context);
  registerSubscribers(program, context);
  registerCertificates(program, context);
  registerChallenges(program, context);
  registerEscrow(program, context);
  registerOperators(program, context);
  registerJobs(program, context);
  registerConfig(program, context);
  registerDelivery(program, context);
  registerDirectory(program, context);
  registerExpiry(program, context);
  registerRevocation(program, context);
  return program;
}

/** Runs the CLI; returns the exit code. */
export async function runProgram(env: CliEnvironment, version: string, argv: string[]): Promise<number> {
  const program = buildProgram(env, version);
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    return reportFailure(env, error);
  }
}

function reportFailure(env: CliEnvironment, error: unknown): number {
  if (error instanceof CommanderError) {
    // commander has printed its own message already (or help, for --help / --version).
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  const say = (message: string) => env.stderr.write(`mcms: ${message}\n`);
  if (isDomainError(error)) {
    say(error.message);
    return EXIT_CODES[error.code as ErrorCode] ?? EXIT.failure;
  }
  if (error instanceof CliError) {
    say(error.message);
    return error.exitCode;
  }
  if (error instanceof ConfigError) {
    say(error.message);
    return EXIT.config;
  }
  const listenFailure = cannotListen(error);
  if (listenFailure) {
    say(listenFailure);
    return EXIT.config;
  }
  say(`internal error: ${String((error as Error)?.message ?? error).split('\n')[0]}`);
  return EXIT.software;
}

const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'the address is in use by another process',
  EADDRNOTAVAIL: 'the address is not one of this machine',
  EACCES: 'permission denied',
};

/** `serve` could not bind its address (a setting to change, so EX_CONFIG): the message, else null. */
function cannotListen(error: unknown): string | null {
  const e = error as { code?: unknown; syscall?: unknown; address?: unknown; port?: unknown } | null;
  if (e?.syscall !== 'listen' || typeof e.code !== 'string' || !(e.code in LISTEN_ERRORS)) return null;
  return `cannot listen on ${urlHost(String(e.address))}:${String(e.port)}: ${LISTEN_ERRORS[e.code]} (${e.code}); choose another --port or --host (MCMS_PORT, MCMS_HOST)`;
}
