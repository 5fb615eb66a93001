/** Where the browser reaches the services: intake's backend-for-frontend, which adds the signed-in person's token. */
export const API_BASE = '/web/api';

/** A field named in a 400, and what is wrong with it. */
export interface FieldIssue {
  field: string;
  message: string;
}

/** An answer other than 2xx, in the services' error shape `{ error: { code, message, details? } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: FieldIssue[],
  ) {
    super(message);
  }

  /** The message for a field, without the field's name in front (`duration: ...`). */
  forField(field: string): string | undefined {
    const issue = this.issues.find((i) => i.field === field);
    return issue ? issue.message : undefined;
  }
}

let csrfToken = '';

/** The token every state-changing call sends back in `X-CSRF-Token` (the session holds its twin). */
export function useCsrfToken(token: string): void {
  csrfToken = token;
}

/** Calls a service's public API through the backend-for-frontend; JSON in, JSON out. */
export async function api<T>(path: string, init: { method?: 'GET' | 'POST'; body?: unknown; idempotencyKey?: string } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.idempotencyKey) headers['idempotency-key'] = init.idempotencyKey;
  const response = await fetch(`${API_BASE}${path}`, {
    method,
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    credentials: 'same-origin',
  });
  if (response.status === 401) {
    // The session ended (signed out elsewhere, or the IdP's token expired): sign in again, then come back here.
    window.location.assign(`/auth/login?returnTo=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) throw errorOf(response.status, body);
  return body as T;
}

function errorOf(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined)?.error;
  const message = error?.message ?? `the service answered ${status}`;
  const details = error?.details ?? {};
  const issues: FieldIssue[] = Array.isArray(details.issues) ? (details.issues as FieldIssue[]) : [];
  if (typeof details.field === 'string') issues.push({ field: details.field, message: withoutField(message, details.field) });
  return new ApiError(
    status,
    error?.code ?? 'error',
    message,
    issues.map((i) => ({ ...i, message: withoutField(i.message, i.field) })),
  );
}

function withoutField(message: string, field: string): string {
  const prefix = `${field}: `;
  const text = message.startsWith(prefix) ? message.slice(prefix.length) : message;
  return text.charAt(0).toUpperCase() + text.slice(1);
}
