/**
 * The master key that seals every software key: 32 bytes, from MCMS_MASTER_KEY (base64 or hex) when
 * set, otherwise from `<dataDir>/master.key` (base64 text), which `mcms init` creates with mode 0600.
 * A key file that group or others can open is refused: whoever reads it can unseal the CA's keys.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MASTER_KEY_BYTES = 32;
export const MASTER_KEY_FILE = 'master.key';

export interface MasterKeyOptions {
  dataDir: string;
  /** The value of MCMS_MASTER_KEY; unset or empty means "use the key file". */
  fromEnv?: string | undefined;
  /** Create the key file when it is missing (`mcms init`). */
  create: boolean;
}

export function loadMasterKey(options: MasterKeyOptions): Buffer {
  if (options.fromEnv !== undefined && options.fromEnv.trim() !== '') return parseEnvKey(options.fromEnv);
  const path = join(options.dataDir, MASTER_KEY_FILE);
  if (options.create) createKeyFile(path);
  return readKeyFile(path);
}

/** 64 hex digits, or base64 (standard or URL-safe) of exactly 32 bytes. The value is never echoed. */
function parseEnvKey(value: string): Buffer {
  const text = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const key = Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
    if (key.length === MASTER_KEY_BYTES) return key;
  }
  throw new Error('MCMS_MASTER_KEY must be 32 bytes written as 64 hex digits or in base64 (openssl rand -base64 32)');
}

function createKeyFile(path: string): void {
  try {
    writeFileSync(path, `${randomBytes(MASTER_KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Already there (a previous init, or another process that won the race): use that one.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

function readKeyFile(path: string): Buffer {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`no master key: ${path} is missing and MCMS_MASTER_KEY is not set (run mcms init)`);
    }
    throw error;
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new Error(`${path} is open to group or others: chmod 600 ${path}`);
  }
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== MASTER_KEY_BYTES) throw new Error(`${path} does not hold a 32-byte key in base64`);
  return key;
}
