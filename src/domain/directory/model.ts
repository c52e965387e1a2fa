/**
 * People from an LDAP or Active Directory directory: an entry as the source hands it over, the person
 * read from it through the attribute mapping, the link mcms keeps to the entry, and a sync's summary.
 */

/** An entry as the directory returned it: values as bytes, attribute names in lower case without options. */
export interface RawDirectoryEntry {
  dn: string;
  attributes: Map<string, Buffer[]>;
}

/** Which attribute holds what (config `ldap.*`). */
export interface AttributeMapping {
  mail: string;
  /** AD `proxyAddresses`: `smtp:` values are extra mailboxes, `SMTP:` the primary; '' = not read. */
  proxyAddresses: string;
  name: string;
  login: string;
  department: string;
  /** An attribute that disables the person when TRUE; AD userAccountControl bit 2 is always read. */
  disabled: string;
}

export interface DirectoryPerson {
  dn: string;
  /** Normalised mailboxes, the primary first. */
  mailboxes: string[];
  displayName: string | null;
  loginName: string | null;
  department: string | null;
  disabled: boolean;
}

/** mcms's link between a person and their directory entry, as the last sync saw it. */
export interface DirectoryLink {
  subscriberId: string;
  entryDn: string;
  loginName: string | null;
  department: string | null;
  disabled: boolean;
  lastSeenAt: Date;
  /** Set when the person vanished from the directory or was disabled there; cleared if they come back. */
  leaverReason: 'vanished' | 'disabled' | null;
  leaverSince: Date | null;
}

export interface SkippedEntry {
  dn: string;
  reason: string;
}

export interface Leaver {
  subscriberId: string;
  email: string;
  entryDn: string;
  reason: 'vanished' | 'disabled';
  since: Date;
  /** True once the leaver action ran (automatically or on an operator's confirmation). */
  handled: boolean;
}

export interface SyncSummary {
  dryRun: boolean;
  entries: number;
  added: number;
  updated: number;
  unchanged: number;
  /** People found disabled in (or vanished from) the directory by this sync. */
  disabled: number;
  skipped: SkippedEntry[];
  /** Leavers found by this sync: handled at once (`ldap.leavers` auto) or waiting for confirmation. */
  leavers: Leaver[];
}

export interface SyncProgress {
  entries: number;
}
