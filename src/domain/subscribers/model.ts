/** People (subscribers), their mailboxes and their devices. */

export interface Mailbox {
  /** Stored and compared in lower case (RFC 5321 local parts are case-sensitive in theory, never in practice). */
  address: string;
  primary: boolean;
}

export interface Subscriber {
  id: string;
  displayName: string | null;
  status: 'active' | 'disabled';
  mailboxes: Mailbox[];
  createdAt: Date;
}

export interface Device {
  id: string;
  subscriberId: string;
  name: string;
  status: 'active' | 'lost' | 'retired';
  createdAt: Date;
}

export function primaryMailbox(subscriber: Subscriber): string {
  const primary = subscriber.mailboxes.find((m) => m.primary) ?? subscriber.mailboxes[0];
  if (!primary) throw new Error(`subscriber ${subscriber.id} has no mailbox`);
  return primary.address;
}

/** Primary first, then the others in the order they were added: the order SANs are written in. */
export function mailboxAddresses(subscriber: Subscriber): string[] {
  return [...subscriber.mailboxes].sort((a, b) => Number(b.primary) - Number(a.primary)).map((m) => m.address);
}
