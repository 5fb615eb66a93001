/** An event as the audit store records it. */
export interface AuditEvent {
  id: string;
  type: string;
  occurredAt: string;
  requestId: string;
  actor: string;
  via?: { kind: string; name?: string } | null;
  data: Record<string, unknown>;
  position: number;
  hash: string;
}

/** `datetime-local` input (the person's zone) to the ISO instant the API takes. */
export function instantOf(local: string): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

/** A query string of the set values. */
export function queryOf(values: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value) params.set(name, value);
  return params.toString();
}
