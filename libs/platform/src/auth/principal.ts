/** Who is calling an API. */
export interface Principal {
  /** The person the call is made as: a login such as `alice@example.com`. */
  subject: string;
  /** How they proved it. */
  via: 'oidc' | 'api_key';
  /** For an API key, its name; the subject may be someone it acts for. */
  apiKey?: string;
  /** Whether the caller may act on behalf of others (an API key with that scope). */
  mayActOnBehalf: boolean;
}
