import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asApiKey, runIntakeProcess, startIntake, type IntakeHarness } from './support/intake.js';

describe('the catalog', () => {
  let h: IntakeHarness;

  beforeAll(async () => {
    h = await startIntake('intake_catalog');
  });

  afterAll(async () => {
    await h?.close();
  });

  it('GET /v1/applications lists the demo catalog with descriptions, bounds, approval, owners and what a justification should say', async () => {
    const answer = await h.call('GET', '/v1/applications', { headers: asApiKey() });
    expect(answer.status).toBe(200);
    expect(answer.body.applications).toEqual([
      {
        id: 'demo-sandbox',
        name: 'Demo sandbox',
        minDurationSeconds: 10,
        maxDurationSeconds: 3600,
        approval: { kind: 'auto' },
        owners: ['carol@example.com'],
        description: 'A sandbox to try JIT Access with: granted at once, no approval.',
        justification: { hint: 'what you want to try', pattern: null },
      },
      {
        id: 'aws-prod-console',
        name: 'AWS production console',
        minDurationSeconds: 300,
        maxDurationSeconds: 14_400,
        approval: { kind: 'manager' },
        owners: ['carol@example.com'],
        description: 'The AWS console of the production account: billing, queues and the live databases.',
        justification: { hint: 'the incident or change you are working on, e.g. INC-42', pattern: null },
      },
      {
        id: 'github-admin',
        name: 'GitHub organisation admin',
        minDurationSeconds: 300,
        maxDurationSeconds: 7200,
        approval: { kind: 'stages', stages: [{ kind: 'manager' }, { kind: 'owners' }] },
        owners: ['carol@example.com'],
        description: "Owner rights on the company's GitHub organisation: repositories, teams and settings.",
        justification: { hint: 'the change you need to make and its ticket', pattern: null },
      },
    ]);
  });

  it('a bad catalog file stops the process at start-up with a message naming the file and the field', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'intake-catalog-')), 'catalog.json');
    writeFileSync(
      file,
      JSON.stringify({
        applications: [
          { id: 'x', name: 'X', oktaGroupId: '00gx', owners: [], minDuration: '1m', maxDuration: 'forever', approval: 'auto' },
        ],
      }),
    );
    const run = await runIntakeProcess('intake_bad_catalog', { CATALOG_FILE: file });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /CATALOG_FILE: invalid catalog .*catalog\.json: applications\.0\.maxDuration: "forever" is not an ISO 8601 duration/,
    );
  });

  it('a missing catalog file stops the process at start-up naming the file', async () => {
    const run = await runIntakeProcess('intake_no_catalog', { CATALOG_FILE: 'no/such/catalog.json' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/CATALOG_FILE: cannot read the catalog .*no\/such\/catalog\.json/);
  });
});
