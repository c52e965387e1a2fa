export const ESCROW_ERRORS = [
  'escrow.not-found',
  'escrow.archive-tampered',
  'escrow.compromised',
  'escrow.recovery-pending',
  'escrow.recovery-rejected',
  'escrow.recovery-expired',
  'escrow.already-exported',
] as const;
export type EscrowErrorCode = (typeof ESCROW_ERRORS)[number];
