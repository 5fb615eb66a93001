import { startVendorSim, type VendorSim } from '../../../tools/vendor-sim/src/index.js';
import { JiraTicketing } from '../src/jira/jira.adapter.js';
import { jiraAccount } from './support/vendor-env.js';

describe('the Jira adapter', () => {
  let sim: VendorSim;
  let jira: JiraTicketing;

  beforeAll(async () => {
    sim = await startVendorSim();
    jira = new JiraTicketing({
      host: sim.url,
      email: jiraAccount.email,
      apiToken: jiraAccount.token,
      projectKey: 'JIT',
      issueType: 'Task',
    });
  });
  afterAll(() => sim.close());

  it('opens one ticket per reference: asked again for the same reference it answers the first ticket', async () => {
    const first = await jira.open({ reference: 'request-1', summary: 'one', description: 'd' });

    expect(await jira.open({ reference: 'request-1', summary: 'one again', description: 'd' })).toBe(first);
    expect(await jira.open({ reference: 'request-2', summary: 'two', description: 'd' })).not.toBe(first);
  });

  it('a reference holding quotes cannot change the search: it opens a ticket of its own', async () => {
    const first = await jira.open({ reference: 'request-3', summary: 'three', description: 'd' });

    const forged = await jira.open({ reference: 'x" AND labels = "jit-request-request-3', summary: 'forged', description: 'd' });
    expect(forged).not.toBe(first);
  });
});
