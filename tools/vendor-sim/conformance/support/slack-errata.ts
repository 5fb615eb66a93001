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

  // 4. Message metadata (2022, after the description was frozen): `chat.postMessage` takes `metadata` and refuses a
  //    malformed one with `invalid_metadata_format`; messages carry it back (the chat.postMessage and chat.update
  //    fixtures have `message.metadata {event_type, event_payload}`), and so do `conversations.history`'s with
  //    `include_all_metadata`. A message in a history shows `edited` once updated, as chat.update's own message does.
  const message = at(spec, 'definitions', 'objs_message', 'properties');
  message.metadata = {
    type: 'object',
    additionalProperties: false,
    required: ['event_type', 'event_payload'],
    properties: { event_type: { type: 'string' }, event_payload: { type: 'object' } },
  };
  message.edited = {
    type: 'object',
    additionalProperties: false,
    required: ['user', 'ts'],
    properties: { user: { $ref: '#/definitions/defs_user_id' }, ts: { $ref: '#/definitions/defs_ts' } },
  };
  const posted = at(spec, 'paths', '/chat.postMessage', 'post', 'responses', 'default', 'schema', 'properties', 'error');
  posted.enum = [...(posted.enum as string[]), 'invalid_metadata_format'];

  // 5. conversations.history: its own example pages with `response_metadata.next_cursor`, which the schema forbids;
  //    an empty window answers `messages: []` (the schema says at least one); and a bad `cursor` is `invalid_cursor`
  //    (Slack's method reference lists it; the 2020 enum does not).
  const history = at(spec, 'paths', '/conversations.history', 'get', 'responses');
  const listed = at(history, '200', 'schema', 'properties');
  listed.response_metadata = {
    type: 'object',
    additionalProperties: false,
    required: ['next_cursor'],
    properties: { next_cursor: { type: 'string' } },
  };
  delete at(listed, 'messages').minItems;
  const refused = at(history, 'default', 'schema', 'properties', 'error');
  refused.enum = [...(refused.enum as string[]), 'invalid_cursor'];
}
