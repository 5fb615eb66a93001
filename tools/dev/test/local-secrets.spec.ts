import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localSecrets } from '../local-secrets.js';

describe('the secrets npm start makes up for local mode', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'local-secrets-'));
    file = join(dir, 'local-secrets.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('are made once, kept readable by their owner only, and the same at the next start', () => {
    const first = localSecrets(file);
    const second = localSecrets(file);

    expect(first).toMatchObject({ created: true, replaced: false });
    expect(first.demoApiKey).toMatch(/^jit_demo_[\w-]{24}$/);
    expect(second).toEqual({ ...first, created: false });
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it('give way to values in the environment, which are not written', () => {
    const kept = localSecrets(file);

    const given = localSecrets(file, { demoApiKey: 'jit_demo_given_by_the_developer' });

    expect(given.demoApiKey).toBe('jit_demo_given_by_the_developer');
    expect(given.slackSigningSecret).toBe(kept.slackSigningSecret);
    expect(JSON.parse(readFileSync(file, 'utf8')).demoApiKey).toBe(kept.demoApiKey);
  });

  it('are made anew when the file cannot be read, saying so', () => {
    writeFileSync(file, '{"demoApiKey": 1}');

    const secrets = localSecrets(file);

    expect(secrets).toMatchObject({ created: true, replaced: true });
    expect(JSON.parse(readFileSync(file, 'utf8')).demoApiKey).toBe(secrets.demoApiKey);
  });
});
