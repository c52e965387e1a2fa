export const INVENTORY_ERRORS = ['certificate.not-found', 'certificate.serial-taken', 'certificate.invalid-filter'] as const;
export type InventoryErrorCode = (typeof INVENTORY_ERRORS)[number];
