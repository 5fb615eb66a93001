import type { VendorSim } from '../../../../tools/vendor-sim/src/index.js';

/** The Jira account the tests' provisioners use. */
export const jiraAccount = { email: 'jit-bot@example.com', token: 'jira-token' };

/** The settings that point a provisioner at the simulator's Okta and Jira, with `extra` on top. */
export function simulatorEnv(sim: VendorSim, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    OKTA_ORG_URL: sim.url,
    OKTA_API_TOKEN: 'okta-token',
    JIRA_HOST: sim.url,
    JIRA_EMAIL: jiraAccount.email,
    JIRA_API_TOKEN: jiraAccount.token,
    ...extra,
  };
}
