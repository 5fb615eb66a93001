import { startVendorSim, type VendorSim } from '../src/index.js';
import { call, jiraClient } from './support/clients.js';

/** A one-paragraph ADF document. */
function adf(text: string) {
  return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

describe('Jira Cloud REST v3 through jira.js', () => {
  let sim: VendorSim;
  let jira: ReturnType<typeof jiraClient>;

  beforeAll(async () => {
    sim = await startVendorSim();
    jira = jiraClient(sim);
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.reset());

  function createIssue(summary = 'Access request: github-admin for alice') {
    return jira.issues.createIssue({
      fields: {
        project: { key: 'JIT' },
        issuetype: { name: 'Task' },
        summary,
        description: adf('Alice asks for github-admin for 4h.'),
        labels: ['jit-access'],
      },
    });
  }

  it('creates an issue and reads it back in the To Do status', async () => {
    const created = await createIssue();

    expect(created).toEqual({ id: '10001', key: 'JIT-1', self: `${sim.url}/rest/api/3/issue/10001` });
    const issue = await jira.issues.getIssue({ issueIdOrKey: created.key });
    expect(issue.fields).toMatchObject({
      summary: 'Access request: github-admin for alice',
      description: adf('Alice asks for github-admin for 4h.'),
      labels: ['jit-access'],
      status: { name: 'To Do', statusCategory: { key: 'new' } },
      project: { key: 'JIT' },
      issuetype: { name: 'Task' },
    });
  });

  it('returns only the requested fields', async () => {
    const { key } = await createIssue();

    const issue = await jira.issues.getIssue({ issueIdOrKey: key, fields: ['summary', 'status'] });
    expect(Object.keys(issue.fields!).sort()).toEqual(['status', 'summary']);
  });

  it('adds ADF comments and lists them', async () => {
    const { key } = await createIssue();

    const comment = await jira.issueComments.addComment({ issueIdOrKey: key, body: adf('Approved by bob@example.com') });
    const page = await jira.issueComments.getComments({ issueIdOrKey: key });

    expect(comment.body).toEqual(adf('Approved by bob@example.com'));
    expect(comment.author?.emailAddress).toBe('jit-bot@example.com');
    expect(page.total).toBe(1);
    expect(page.comments?.[0].body).toEqual(adf('Approved by bob@example.com'));
  });

  it('rejects a comment body that is not ADF with 400, as Jira v3 does', async () => {
    const { key } = await createIssue();

    const response = await call(
      sim,
      'POST',
      `/rest/api/3/issue/${key}/comment`,
      { body: 'plain text' },
      {
        authorization: `Basic ${Buffer.from('a@example.com:t').toString('base64')}`,
      },
    );
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ errors: { comment: expect.stringContaining('Atlassian Document') } });
    expect((await jira.issueComments.getComments({ issueIdOrKey: key })).total).toBe(0);
  });

  it('lists transitions and moves the issue through In Progress to Done', async () => {
    const { key } = await createIssue();

    const { transitions } = await jira.issues.getTransitions({ issueIdOrKey: key });
    expect(transitions?.map((t) => [t.id, t.name])).toEqual([
      ['21', 'In Progress'],
      ['31', 'Done'],
    ]);
    await jira.issues.doTransition({ issueIdOrKey: key, transition: { id: '21' } });
    await jira.issues.doTransition({ issueIdOrKey: key, transition: { id: '31' } });

    const issue = await jira.issues.getIssue({ issueIdOrKey: key });
    expect(issue.fields?.status).toMatchObject({ name: 'Done', statusCategory: { key: 'done' } });
    expect(issue.fields?.resolution).toMatchObject({ name: 'Done' });
  });

  it('refuses a transition that is not available from the current status', async () => {
    const { key } = await createIssue();

    await expect(jira.issues.doTransition({ issueIdOrKey: key, transition: { id: '11' } })).rejects.toMatchObject({
      status: 400,
    });
    expect((await jira.issues.getIssue({ issueIdOrKey: key })).fields?.status.name).toBe('To Do');
  });

  it('reports missing and invalid fields on create, per field', async () => {
    const auth = { authorization: `Basic ${Buffer.from('a@example.com:t').toString('base64')}` };
    const response = await call(
      sim,
      'POST',
      '/rest/api/3/issue',
      {
        fields: { project: { key: 'NOPE' }, issuetype: { name: 'Task' }, description: 'not adf' },
      },
      auth,
    );

    expect(response.status).toBe(400);
    expect(Object.keys((response.body as { errors: object }).errors).sort()).toEqual(['description', 'project', 'summary']);
  });

  it('answers an unknown issue with 404', async () => {
    await expect(jira.issues.getIssue({ issueIdOrKey: 'JIT-999' })).rejects.toMatchObject({ status: 404 });
  });

  it('requires basic auth', async () => {
    const response = await call(sim, 'GET', '/rest/api/3/issue/JIT-1');

    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ errorMessages: [expect.any(String)] });
  });
});
