/**
 * One bound LDAP connection (ldapts) for ldap:// or ldaps://, simple bind with a DN and password or
 * anonymous. It is opened on first use and re-opened (and re-bound) after the server went away. A
 * server that cannot be reached, times out or says it is unavailable/busy becomes
 * DomainError('directory.unavailable'), which callers retry later; any other LDAP result stays an
 * Error naming the result (RFC 4511 §4.1.9), with no values in it.
 */
import { BusyError, Client, FilterParser, ResultCodeError, UnavailableError } from 'ldapts';
import { DomainError } from '../../domain/errors.js';

export interface LdapConnectionSettings {
  url: string;
  bindDn: string;
  bindPassword: string;
  timeoutMs: number;
  /** For ldaps://: the CA certificates (PEM) to trust instead of the system's. */
  tlsCa?: Buffer | undefined;
}

/**
 * An LDAP result other than success (RFC 4511 §4.1.9), e.g. 49 invalidCredentials, 50
 * insufficientAccessRights, 32 noSuchObject, 18 inappropriateMatching: the directory answered, and
 * refused (DomainError 'directory.refused', with the result code for the adapter's own decisions).
 */
export class LdapResultError extends DomainError<'directory.refused'> {
  constructor(readonly resultCode: number, message: string) {
    super('directory.refused', message, { resultCode });
  }
}

export const NO_SUCH_OBJECT = 32;
export const INAPPROPRIATE_MATCHING = 18;

export class LdapConnection {
  private client: Client | null = null;
  private binding: Promise<Client> | null = null;

  constructor(private readonly settings: LdapConnectionSettings) {}

  /** Runs `work` on the bound connection; unreachable → DomainError('directory.unavailable'). */
  async run<T>(work: (client: Client) => Promise<T>): Promise<T> {
    let client: Client;
    try {
      client = await this.bound();
    } catch (error) {
      throw this.failure(error, 'bind');
    }
    try {
      return await work(client);
    } catch (error) {
      throw this.failure(error, 'operation');
    }
  }

  /**
   * A subtree search under `baseDn` in pages (RFC 2696 simple paged results, which AD needs past its
   * 1,000-entry limit), each page's entries as ldapts returns them; `buffers` come back as bytes.
   */
  async *searchPages(baseDn: string, options: { filter: string; attributes: string[]; buffers: string[]; pageSize: number }): AsyncIterable<Record<string, unknown>[]> {
    const { filter, attributes, buffers, pageSize } = options;
    const pages = await this.run(async (client) =>
      client.searchPaginated(baseDn, {
        scope: 'sub', filter: filter.startsWith('(') ? filter : `(${filter})`, attributes, explicitBufferAttributes: buffers, paged: { pageSize },
      }));
    const iterator = pages[Symbol.asyncIterator]();
    for (;;) {
      const next = await this.run(() => iterator.next());
      if (next.done) return;
      yield next.value.searchEntries;
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.binding = null;
    if (client?.isConnected) await client.unbind().catch(() => {});
  }

  private bound(): Promise<Client> {
    if (this.client?.isConnected) return Promise.resolve(this.client);
    this.binding ??= (async () => {
      const { url, bindDn, bindPassword, timeoutMs, tlsCa } = this.settings;
      const client = new Client({ url, timeout: timeoutMs, connectTimeout: timeoutMs, strictDN: false, ...(tlsCa ? { tlsOptions: { ca: tlsCa } } : {}) });
      try {
        if (bindDn) await client.bind(bindDn, bindPassword);
      } catch (error) {
        await client.unbind().catch(() => {});
        throw error;
      }
      this.client = client;
      return client;
    })().finally(() => { this.binding = null; });
    return this.binding;
  }

  private failure(error: unknown, during: string): Error {
    if (error instanceof DomainError) return error;
    if (error instanceof ResultCodeError && !(error instanceof UnavailableError) && !(error instanceof BusyError)) {
      if (during === 'bind') {
        // Wrong credentials or a locked account: nothing will work until the configuration changes, so the
        // directory counts as unreachable (a drain stops, intents wait) and the message says why.
        return new DomainError('directory.unavailable',
          `the directory refused the bind as ${this.settings.bindDn || 'anonymous'}: LDAP result ${error.code} (${error.message.slice(0, 120)})`);
      }
      return new LdapResultError(error.code, `the directory refused the ${during}: LDAP result ${error.code} (${error.message.slice(0, 120)})`);
    }
    if (!isTransportFailure(error)) return new Error(`LDAP ${during} failed: ${(error instanceof Error ? error.message : String(error)).slice(0, 160)}`);
    // Not an LDAP answer: refused, reset, timed out, TLS failure. Drop the connection; the next call re-opens it.
    const old = this.client;
    this.client = null;
    if (old) void old.unbind().catch(() => {});
    const detail = error instanceof Error ? error.message : String(error);
    return new DomainError('directory.unavailable', `the directory at ${redactUrl(this.settings.url)} cannot be reached (${detail.slice(0, 120)})`);
  }
}

/** Refused, reset, unreachable, timed out, closed, or TLS refused: the directory is not there for us now. */
function isTransportFailure(error: unknown): boolean {
  if (error instanceof UnavailableError || error instanceof BusyError) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^(E[A-Z]+|ERR_TLS|ERR_SSL|CERT_|DEPTH_|SELF_SIGNED|UNABLE_TO)/.test(code)) return true;
  return error instanceof Error && /timeout|timed out|closed|connect|socket|certificate|tls|ssl/i.test(error.message);
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}

/** RFC 4515 §3: a value inside a filter, escaped. */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The values of `attribute` in a search entry, whatever case or options the server answered with. */
export function entryValues(entry: Record<string, unknown>, attribute: string): Buffer[] {
  const wanted = attribute.toLowerCase();
  const base = wanted.split(';')[0];
  const key = Object.keys(entry).find((k) => k.toLowerCase() === wanted) ?? Object.keys(entry).find((k) => k.toLowerCase().split(';')[0] === base);
  if (!key || key === 'dn') return [];
  const raw = entry[key];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8')));
}

/** The configured filter in parentheses, checked by ldapts' RFC 4515 parser; throws on a malformed one. */
export function checkedFilter(filter: string): string {
  const wrapped = filter.trim().startsWith('(') ? filter.trim() : `(${filter.trim()})`;
  FilterParser.parseString(wrapped);
  return wrapped;
}
