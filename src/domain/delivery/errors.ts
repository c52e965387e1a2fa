export const DELIVERY_ERRORS = [
  'delivery.link-invalid',
  'delivery.link-used',
  'delivery.link-expired',
  'delivery.link-revoked',
  'delivery.no-profile-signer',
  'delivery.device-inactive',
  'delivery.ota-disabled',
  'delivery.ota-refused',
] as const;
export type DeliveryErrorCode = (typeof DELIVERY_ERRORS)[number];
