/** A recorded event as the API shows it: the example of the OpenAPI document. */
export const EVENT_EXAMPLE = {
  id: '0e5d1c63-3f0c-4a8e-9a51-5b7f0a2f3c11',
  type: 'access.granted',
  version: 1,
  occurredAt: '2026-01-05T09:02:11.000Z',
  requestId: '5b0f9c1e-7d7c-4c1e-9a57-3f1f6c1e2a10',
  actor: 'service:provisioner',
  data: { oktaGroupId: '00g1awsprodconsole02', expiresAt: '2026-01-05T10:02:11.000Z' },
  streamSeq: 42,
  position: 42,
  recordedAt: '2026-01-05T09:02:11.120Z',
  hash: '9f2c...e1',
};
