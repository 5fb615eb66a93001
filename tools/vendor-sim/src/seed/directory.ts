/** One person of the demo directory, as known to Okta and Slack at once. */
export interface SeedPerson {
  /** Okta user id (Okta ids are 20 characters, `00u` for users). */
  oktaId: string;
  /** Okta login, which is also the e-mail address. */
  email: string;
  firstName: string;
  lastName: string;
  /** Slack member id (`U` + uppercase alphanumerics, as Slack's schema requires). */
  slackId: string;
  title: string;
  /** The IANA time zone of their Slack profile. */
  timeZone: string;
  /** Key of the person's manager in `seedPeople`, if any. */
  managerKey?: SeedPersonKey;
}

/** Keys of the seeded people. */
export type SeedPersonKey = 'alice' | 'bob' | 'carol' | 'dave';

/** The demo directory: a requester, her manager, an application owner and an auditor. */
export const seedPeople: Readonly<Record<SeedPersonKey, SeedPerson>> = {
  alice: {
    oktaId: '00u1alice0000000000a',
    email: 'alice@example.com',
    firstName: 'Alice',
    lastName: 'Anders',
    slackId: 'U0ALICE0001',
    title: 'Software Engineer',
    managerKey: 'bob',
    timeZone: 'Europe/London',
  },
  bob: {
    oktaId: '00u1bob000000000000b',
    email: 'bob@example.com',
    firstName: 'Bob',
    lastName: 'Baker',
    slackId: 'U0BOB000002',
    title: 'Engineering Manager',
    timeZone: 'America/New_York',
  },
  carol: {
    oktaId: '00u1carol0000000000c',
    email: 'carol@example.com',
    firstName: 'Carol',
    lastName: 'Chen',
    slackId: 'U0CAROL0003',
    title: 'GitHub Administrator',
    timeZone: 'Asia/Tokyo',
  },
  dave: {
    oktaId: '00u1dave00000000000d',
    email: 'dave@example.com',
    firstName: 'Dave',
    lastName: 'Diaz',
    slackId: 'U0DAVE00004',
    title: 'Security Auditor',
    timeZone: 'America/Los_Angeles',
  },
};

/** One Okta group of the demo catalog. */
export interface SeedGroup {
  /** Okta group id (`00g` prefix). */
  id: string;
  name: string;
  description: string;
}

/** Keys of the seeded groups. */
export type SeedGroupKey = 'demoSandbox' | 'awsProdConsole' | 'githubAdmin';

/** The Okta groups behind the demo catalog; they start with no members. */
export const seedGroups: Readonly<Record<SeedGroupKey, SeedGroup>> = {
  demoSandbox: { id: '00g1demosandbox00001', name: 'demo-sandbox', description: 'Demo sandbox application' },
  awsProdConsole: { id: '00g1awsprodconsole02', name: 'aws-prod-console', description: 'AWS production console' },
  githubAdmin: { id: '00g1githubadmin00003', name: 'github-admin', description: 'GitHub organisation administrators' },
};

/** The Jira project issues are filed in, with its single issue type. */
export const seedJiraProject = {
  id: '10000',
  key: 'JIT',
  name: 'JIT Access',
  issueType: { id: '10001', name: 'Task' },
} as const;

/** The Slack workspace the seeded people belong to. */
export const seedSlackTeam = { id: 'T0JITACCESS', name: 'JIT Access Demo' } as const;
