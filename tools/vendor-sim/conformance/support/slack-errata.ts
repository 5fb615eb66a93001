type Json = Record<string, unknown>;

const at = (node: unknown, ...path: string[]): Json => path.reduce<unknown>((n, key) => (n as Json)[key], node) as Json;

/**
 * Corrections to Slack's frozen 2020 Swagger file where it contradicts what Slack sends today, as shown by the newer
 * response fixtures from Slack's Java SDK. Each one is deliberate and narrow; everything else is validated as written.
 */
export function applySlackErrata(spec: Json): void {
  // 1. chat.update: the spec types `message.blocks` as an object, but Slack returns the Block Kit array (the
  //    chat.update fixture has `message.blocks[]`, and chat.postMessage's own schema uses the `blocks` array).
  at(spec, 'paths', '/chat.update', 'post', 'responses', '200', 'schema', 'properties', 'message', 'properties').blocks = {
    $ref: '#/definitions/blocks',
  };

  // 2. User profiles: the spec requires `profile.fields`, which current responses no longer carry (absent from the
  //    users.info and users.lookupByEmail fixtures).
  const profile = at(spec, 'definitions', 'objs_user_profile');
  profile.required = (profile.required as string[]).filter((field) => field !== 'fields');

  // 3. Rate limiting: HTTP 429 responses say `"error": "ratelimited"`; the 2020 enum spells it `rate_limited`.
  for (const path of ['/chat.postMessage', '/chat.update']) {
    const error = at(spec, 'paths', path, 'post', 'responses', 'default', 'schema', 'properties', 'error');
    error.enum = [...new Set([...(error.enum as string[]), 'ratelimited'])];
  }
}
