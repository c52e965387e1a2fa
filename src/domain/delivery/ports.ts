import type { EnrollmentLink, OtaSession } from './model.js';


export interface EnrollmentLinkRepository {
  insert(link: EnrollmentLink): Promise<void>;
  findById(id: string): Promise<EnrollmentLink | null>;
  /** Newest first. */
  listBySubscriber(subscriberId: string): Promise<EnrollmentLink[]>;
  /**
   * Marks the link used (and binds it to the device) if it is still open; false if another request
   * used it first. The conditional update is what makes a link single-use under concurrency.
   */
  markUsed(id: string, change: { at: Date; deviceId: string }): Promise<boolean>;
  markMailed(id: string, at: Date): Promise<void>;
  /** Revokes the person's open links (only those bound to the device, when given); returns their ids. */
  revokeOpen(filter: { subscriberId: string; deviceId?: string | undefined }): Promise<string[]>;
}

export interface OtaSessionRepository {
  insert(session: OtaSession): Promise<void>;
  findById(id: string): Promise<OtaSession | null>;
  /** open → attested with the device's attributes; false if the session was not open (a replay). */
  markAttested(id: string, change: { at: Date; udid: string; product: string | null; osVersion: string | null }): Promise<boolean>;
  /** The device's newest attested or delivered session. */
  findLatestForDevice(deviceId: string): Promise<OtaSession | null>;
  markDelivered(id: string, at: Date): Promise<void>;
  /** Revokes the person's open or attested sessions (only the device's, when given); returns how many. */
  revokeOpen(filter: { subscriberId: string; deviceId?: string | undefined }): Promise<number>;
}
