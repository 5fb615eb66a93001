/** Injection token of the ticketing port. */
export const TICKETING = Symbol('TICKETING');

/** The ticket that records a grant. Transient failures throw; rejections throw `VendorRejectedError`. */
export interface Ticketing {
  /** Opens a ticket and returns its key. */
  open(ticket: { summary: string; description: string }): Promise<string>;
  /** Adds a comment to a ticket. */
  comment(key: string, text: string): Promise<void>;
  /** Moves a ticket to done; a ticket already done stays as it is. */
  close(key: string): Promise<void>;
}
