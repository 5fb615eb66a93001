import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@jit/platform';
import { Catalog, loadCatalogFile, parseCatalog, policySnapshotOf, readCatalog } from '@jit/catalog';

const entry = {
  id: 'wiki',
  name: 'Wiki',
  oktaGroupId: '00gwiki',
  owners: ['carol@example.com'],
  minDuration: '5m',
  maxDuration: 'PT1H',
  approval: 'manager',
};

function errorOf(json: unknown): string {
  const parsed = parseCatalog(json);
  if (parsed instanceof Catalog) throw new Error('expected the catalog to be refused');
  return parsed.error;
}

describe('the application catalog', () => {
  it("reads an application's description and what its justification should say, and refuses a pattern that is no regular expression", () => {
    const catalog = parseCatalog({
      applications: [{ ...entry, description: 'The wiki', justification: { hint: 'a ticket', pattern: '\\bT-\\d+' } }],
    });
    if (!(catalog instanceof Catalog)) throw new Error(catalog.error);
    expect(catalog.applications[0]).toMatchObject({
      description: 'The wiki',
      justificationHint: 'a ticket',
      justificationPattern: '\\bT-\\d+',
    });
    expect(errorOf({ applications: [{ ...entry, justification: { pattern: '(' } }] })).toMatch(
      /applications\.0\.justification\.pattern: expected a regular expression/,
    );
  });

  it('loads the demo catalog with each approval mapped to the policy carried by requested events', () => {
    const catalog = loadCatalogFile('libs/catalog/catalog.demo.json');
    if (!(catalog instanceof Catalog)) throw new Error(catalog.error);
    expect(
      catalog.applications.map(({ id, oktaGroupId, minDurationSeconds, maxDurationSeconds, approval }) => ({
        id,
        oktaGroupId,
        minDurationSeconds,
        maxDurationSeconds,
        approval,
      })),
    ).toEqual([
      {
        id: 'demo-sandbox',
        oktaGroupId: '00g1demosandbox00001',
        minDurationSeconds: 10,
        maxDurationSeconds: 3600,
        approval: { kind: 'auto' },
      },
      {
        id: 'aws-prod-console',
        oktaGroupId: '00g1awsprodconsole02',
        minDurationSeconds: 300,
        maxDurationSeconds: 14_400,
        approval: { kind: 'manager' },
      },
      {
        id: 'github-admin',
        oktaGroupId: '00g1githubadmin00003',
        minDurationSeconds: 300,
        maxDurationSeconds: 7200,
        approval: { kind: 'stages', stages: [{ kind: 'manager' }, { kind: 'owners' }] },
      },
    ]);
    expect(catalog.find('github-admin')?.owners).toEqual(['carol@example.com']);
  });

  it('maps a named-users stage', () => {
    const catalog = parseCatalog({ applications: [{ ...entry, approval: { stages: ['owners', { users: ['dave@example.com'] }] } }] });
    expect(catalog instanceof Catalog && catalog.find('wiki')?.approval).toEqual({
      kind: 'stages',
      stages: [{ kind: 'owners' }, { kind: 'users', users: ['dave@example.com'] }],
    });
  });

  it('stores owners and listed approvers in the canonical login form, whatever case the file spells them in', () => {
    const catalog = parseCatalog({
      applications: [{ ...entry, owners: [' Carol@Example.COM'], approval: { stages: ['owners', { users: ['DAVE@example.com'] }] } }],
    });
    if (!(catalog instanceof Catalog)) throw new Error(catalog.error);
    expect(catalog.find('wiki')).toMatchObject({
      owners: ['carol@example.com'],
      approval: { kind: 'stages', stages: [{ kind: 'owners' }, { kind: 'users', users: ['dave@example.com'] }] },
    });
  });

  it.each([
    ['an empty owner login', { ...entry, owners: ['  '] }, 'applications.0.owners.0'],
    ['a bad duration', { ...entry, maxDuration: '1 hour' }, 'applications.0.maxDuration'],
    ['a minimum above the maximum', { ...entry, minDuration: '2h' }, 'applications.0.minDuration'],
    ['an unknown approval', { ...entry, approval: 'ceo' }, 'applications.0.approval'],
    ['a missing group', { ...entry, oktaGroupId: undefined }, 'applications.0.oktaGroupId'],
    ['an owners stage without owners', { ...entry, owners: [], approval: { stages: ['owners'] } }, 'applications.0.owners'],
    ['an unknown field', { ...entry, colour: 'red' }, 'applications.0'],
  ])('refuses %s, naming the field', (_, application, field) => {
    expect(errorOf({ applications: [application] })).toContain(`${field}:`);
  });

  it('refuses two applications with the same id', () => {
    expect(errorOf({ applications: [entry, entry] })).toContain('applications.1.id: duplicate id "wiki"');
  });

  it('names the file when it cannot be read or parsed', () => {
    const missing = loadCatalogFile('/nonexistent/catalog.json');
    expect(missing).toEqual({ error: expect.stringContaining('cannot read the catalog /nonexistent/catalog.json') });
  });

  it('reading CATALOG_FILE at start-up fails with a configuration error naming the variable, the file and the field', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'intake-catalog-')), 'catalog.json');
    writeFileSync(file, JSON.stringify({ applications: [{ ...entry, maxDuration: 'forever' }] }));
    expect(() => readCatalog(file)).toThrow(ConfigError);
    expect(() => readCatalog(file)).toThrow(`CATALOG_FILE: invalid catalog ${file}: applications.0.maxDuration: "forever" is not`);
    expect(readCatalog('libs/catalog/catalog.demo.json').find('demo-sandbox')?.name).toBe('Demo sandbox');
  });

  it('says whether each group is JIT-only or shared, shared unless told, and one group never both', () => {
    const parsed = parseCatalog({
      applications: [entry, { ...entry, id: 'wiki-admin', oktaGroupId: '00gwikiadmin', membership: 'exclusive' }],
    });
    if (!(parsed instanceof Catalog)) throw new Error(parsed.error);
    expect(Object.fromEntries(parsed.groups())).toEqual({ '00gwiki': 'shared', '00gwikiadmin': 'exclusive' });
    expect(errorOf({ applications: [entry, { ...entry, id: 'wiki-admin', membership: 'exclusive' }] })).toBe(
      'applications.1.membership: group 00gwiki is "shared" for another application',
    );
    expect(errorOf({ applications: [{ ...entry, membership: 'sometimes' }] })).toMatch(
      /^applications\.0\.membership: expected "exclusive" or "shared"/,
    );
  });
});

describe('notification, extension and approval-rule policies in the catalog', () => {
  const window = { days: ['mon'], from: '09:00', to: '17:00', timeZone: 'Europe/London' };

  it('reads every policy field into the application, and its snapshot into a request', () => {
    const catalog = parseCatalog({
      applications: [
        {
          ...entry,
          approval: {
            stages: [
              { approvers: ['bob@example.com', 'Carol@Example.com', 'dave@example.com'], required: 2, escalateTo: 'erin@example.com' },
            ],
          },
          rules: [
            { name: 'on-call', approve: { requesterInGroup: '00goncall' } },
            { name: 'short', approve: { durationAtMost: '15m' } },
            { name: 'office', approve: { within: window } },
            { name: 'freeze', deny: { outside: window } },
            { name: 'staff', deny: { requesterNotInGroup: '00gstaff' } },
          ],
          pendingTtl: '2h',
          reminderAfter: '1h',
          preExpiryNotice: '5m',
          maxTotalDuration: '3h',
          selfExtensionLimit: '30m',
          justification: { pattern: '^(INC|CHG)-\\d+', hint: 'a ticket key' },
        },
      ],
    });
    if (!(catalog instanceof Catalog)) throw new Error(catalog.error);
    const [wiki] = catalog.applications;
    expect(wiki).toMatchObject({
      approval: {
        kind: 'stages',
        stages: [
          {
            kind: 'users',
            users: ['bob@example.com', 'carol@example.com', 'dave@example.com'],
            required: 2,
            escalateTo: 'erin@example.com',
          },
        ],
      },
      rules: [
        { name: 'on-call', effect: 'approve', when: { requesterInGroup: '00goncall' } },
        { name: 'short', effect: 'approve', when: { durationAtMostSeconds: 900 } },
        { name: 'office', effect: 'approve', when: { within: window } },
        { name: 'freeze', effect: 'deny', when: { outside: window } },
        { name: 'staff', effect: 'deny', when: { requesterNotInGroup: '00gstaff' } },
      ],
      pendingTtlSeconds: 7200,
      reminderAfterSeconds: 3600,
      preExpiryNoticeSeconds: 300,
      maxTotalDurationSeconds: 10_800,
      selfExtensionSeconds: 1800,
      justificationPattern: '^(INC|CHG)-\\d+',
      justificationHint: 'a ticket key',
    });
    expect(policySnapshotOf(wiki)).toMatchObject({
      maxTotalSeconds: 10_800,
      selfExtensionSeconds: 1800,
      justificationPattern: '^(INC|CHG)-\\d+',
    });
  });

  it('defaults: a day to wait, warned 10 minutes before the expiry, no extension, no rule', () => {
    const catalog = parseCatalog({ applications: [entry] });
    if (!(catalog instanceof Catalog)) throw new Error(catalog.error);
    expect(catalog.applications[0]).toMatchObject({
      rules: [],
      pendingTtlSeconds: 86_400,
      preExpiryNoticeSeconds: 600,
      maxTotalDurationSeconds: 3600,
      selfExtensionSeconds: 0,
    });
  });

  it.each([
    [
      { rules: [{ name: 'x', approve: { within: { ...window, timeZone: 'Mars/Olympus' } } }] },
      'applications.0.rules.0.approve.within.timeZone: not a time zone',
    ],
    [
      { rules: [{ name: 'x', approve: { within: { ...window, to: '08:00' } } }] },
      'applications.0.rules.0.approve.within.to: must be after from',
    ],
    [
      { rules: [{ name: 'x', approve: { durationAtMost: '15m' }, deny: { durationAtMost: '1m' } }] },
      'applications.0.rules.0: give either "approve" or "deny", not both',
    ],
    [{ rules: [{ name: 'x', approve: {} }] }, 'applications.0.rules.0.approve: a rule needs at least one condition'],
    [
      {
        rules: [
          { name: 'x', approve: { durationAtMost: '1m' } },
          { name: 'x', deny: { durationAtMost: '2m' } },
        ],
      },
      'applications.0.rules.1.name: duplicate rule name "x"',
    ],
    [{ pendingTtl: '1h', reminderAfter: '1h' }, 'applications.0.reminderAfter: must be shorter than pendingTtl'],
    [{ maxTotalDuration: '30m' }, 'applications.0.maxTotalDuration: must not be shorter than maxDuration'],
    [
      { approval: { stages: [{ approvers: ['bob@example.com'], required: 2 }] } },
      'applications.0.approval.stages.0.required: more than the 1 approvers listed',
    ],
    [{ justification: { pattern: '(', hint: 'x' } }, 'applications.0.justification.pattern: expected a regular expression'],
  ])('refuses %j naming the entry and field', (extra, message) => {
    expect(errorOf({ applications: [{ ...entry, ...extra }] })).toContain(message);
  });
});
