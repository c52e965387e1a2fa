export const SUBSCRIBER_ERRORS = [
  'subscriber.not-found',
  'subscriber.disabled',
  'subscriber.invalid-name',
  'mailbox.invalid',
  'mailbox.taken',
  'device.not-found',
  'device.invalid',
  'device.inactive',
] as const;
export type SubscriberErrorCode = (typeof SUBSCRIBER_ERRORS)[number];
