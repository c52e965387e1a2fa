/** Refusals of directory sync and leaver handling. */
export const DIRECTORY_ERRORS = ['directory.not-a-leaver'] as const;
export type DirectoryErrorCode = (typeof DIRECTORY_ERRORS)[number];
