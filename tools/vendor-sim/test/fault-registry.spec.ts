import { FaultRegistry, globToRegExp } from '../src/faults/registry.js';

describe('FaultRegistry', () => {
  it('matches globs where * spans slashes and ? is one character', () => {
    expect(globToRegExp('/api/v1/groups/*').test('/api/v1/groups/00g1/users/00u1')).toBe(true);
    expect(globToRegExp('/api/users.?nfo').test('/api/users.info')).toBe(true);
    expect(globToRegExp('/api/users.info').test('/api/usersXinfo')).toBe(false);
  });

  it('removes a counted fault after its last call', () => {
    const registry = new FaultRegistry();
    registry.add({ vendor: 'okta', path: '/a', status: 503, count: 2 });

    const hits = [1, 2, 3].map(() => registry.take('okta', 'GET', '/a')?.status);
    expect(hits).toEqual([503, 503, undefined]);
    expect(registry.list()).toEqual([]);
  });

  it('expires a timed fault at its deadline', () => {
    let now = 1_000;
    const registry = new FaultRegistry(() => now);
    registry.add({ vendor: 'jira', path: '/*', status: 500, seconds: 10 });

    now = 10_999;
    expect(registry.take('jira', 'GET', '/x')).toBeDefined();
    now = 11_000;
    expect(registry.take('jira', 'GET', '/x')).toBeUndefined();
  });

  it('matches only its vendor and method', () => {
    const registry = new FaultRegistry();
    registry.add({ vendor: 'okta', method: 'DELETE', path: '/*', status: 503 });

    expect(registry.take('jira', 'DELETE', '/x')).toBeUndefined();
    expect(registry.take('okta', 'GET', '/x')).toBeUndefined();
    expect(registry.take('okta', 'DELETE', '/x')?.hits).toBe(1);
  });
});
