/** Refusals of directory publication and of the directory edge. */
export const PUBLICATION_ERRORS = ['directory.unavailable', 'directory.not-configured', 'directory.refused'] as const;
export type PublicationErrorCode = (typeof PUBLICATION_ERRORS)[number];
