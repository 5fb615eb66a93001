/** Injection token of the ticketing port. */
export const TICKETING = Symbol('TICKETING');

/** The ticketing system refused a call for a reason retrying alone cannot fix (a missing project, issue or transition). */
export class TicketRejectedError extends Error {
  override name = 'TicketRejectedError';
}

/** The ticketing system could not be reached or failed; the caller should try again later. */
export class TicketingUnavailableError extends Error {
  override name = 'TicketingUnavailableError';
}

/** A ticket to open: what it is the record of, and its text. */
export interface TicketDraft {
  /** What the ticket records (the request id), unique per ticket. */
  reference: string;
  summary: string;
  description: string;
}

/**
 * The tickets that record grants. Calls fail with `TicketRejectedError` when the request itself is
 * wrong and with `TicketingUnavailableError` otherwise.
 */
export interface Ticketing {
  /**
   * Opens the ticket for `reference` (a request id) and returns its key; when one was opened for
   * it already (a crash after Jira answered, before the key was recorded) returns that one instead.
   */
  open(ticket: TicketDraft): Promise<string>;
  /** Adds a comment to a ticket. */
  comment(key: string, text: string): Promise<void>;
  /** Moves a ticket to done; a ticket already done stays as it is. */
  close(key: string): Promise<void>;
}
