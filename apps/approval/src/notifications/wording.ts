/** An instant inside a message, shown in the reader's own time zone. */
export interface Instant {
  at: string;
}

/**
 * What a message says: plain text, or text with instants that are rendered in the time zone of
 * whoever reads it (so one notice reads right for an approver in London and a requester in Tokyo).
 */
export type Wording = string | (string | Instant)[];

/** The wording as text for a reader in `timeZone` (an IANA name, as Slack's `users.info` gives it); UTC when unknown or not one Intl knows. */
export function render(wording: Wording, timeZone?: string): string {
  if (typeof wording === 'string') return wording;
  return wording.map((part) => (typeof part === 'string' ? part : formatInstant(part.at, timeZone))).join('');
}

/** An instant as a reader in `timeZone` reads it, e.g. "2 Mar 2026, 10:05 GMT". */
export function formatInstant(iso: string, timeZone = 'UTC'): string {
  const options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };
  const date = new Date(iso);
  try {
    return `${new Intl.DateTimeFormat('en-GB', { ...options, timeZone }).format(date)} ${zoneName(date, timeZone)}`;
  } catch {
    return `${new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' }).format(date)} UTC`;
  }
}

/** The short name of the zone at that instant ("GMT", "BST", "GMT+9"), as Intl names it. */
function zoneName(date: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'short' }).formatToParts(date);
  return parts.find((part) => part.type === 'timeZoneName')?.value ?? timeZone;
}
