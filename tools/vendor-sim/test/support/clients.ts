import okta from '@okta/okta-sdk-nodejs';
import { WebClient } from '@slack/web-api';
import { createCloudClient } from 'jira.js';
import type { VendorSim } from '../../src/index.js';

/**
 * The Okta SDK pointed at the simulator, with the SDK's own 429 retries switched off so tests see the 429, and its
 * response cache off as the product has it: the cache keys reads by the resource's `self` link and forgets them only on
 * writes to that same URL, so a change made by login, by another client or by a reset would read stale.
 */
export function oktaClient(sim: VendorSim): okta.Client {
  return new okta.Client({
    orgUrl: sim.url,
    token: 'test-api-token',
    requestExecutor: new okta.RequestExecutor(),
    cacheMiddleware: null,
  });
}

/** jira.js pointed at the simulator; a response that does not match jira.js's schema fails the test. */
export function jiraClient(sim: VendorSim) {
  return createCloudClient({
    host: sim.url,
    auth: { type: 'basic', email: 'jit-bot@example.com', apiToken: 'test-api-token' },
    onSchemaMismatch: 'throw',
  });
}

/** The Slack Web API client pointed at the simulator, failing fast instead of retrying. */
export function slackClient(sim: VendorSim): WebClient {
  return new WebClient('xoxb-test-token', { slackApiUrl: `${sim.url}/api/`, retryConfig: { retries: 0 } });
}

/** JSON request to the simulator. */
export async function call(sim: VendorSim, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
}
