export type {
  AttributeMapping, DirectoryLink, DirectoryPerson, Leaver, RawDirectoryEntry, SkippedEntry, SyncProgress, SyncSummary,
} from './model.js';
export type { DirectoryErrorCode } from './errors.js';
export { DIRECTORY_ERRORS } from './errors.js';
export type { DirectoryLinkRepository, DirectorySource } from './ports.js';
export type { DirectoryDeps } from './directory-deps.js';
export { readDirectoryEntry } from './read-entry.js';
export type { SyncOptions } from './sync-directory.js';
export { syncDirectory } from './sync-directory.js';
export { confirmLeavers, listLeavers } from './leavers.js';
export { disableLeaver } from './leaver-action.js';
