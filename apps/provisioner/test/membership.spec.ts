import { unexplainedMembers } from '../src/reconciliation/membership.js';

const alice = { id: '00u1alice0000000000a', login: 'alice@example.com' };
const dave = { id: '00u1dave00000000000d', login: 'dave@example.com' };

describe('unexplainedMembers', () => {
  it('a member whose Okta user id a grant carries is explained', () => {
    expect(unexplainedMembers([alice, dave], [{ oktaUserId: alice.id, login: 'someone-else@example.com' }])).toEqual([dave]);
  });

  it('a member a grant still granting names only by login is explained, whatever the case of the login', () => {
    expect(unexplainedMembers([alice, dave], [{ login: 'Alice@Example.com' }])).toEqual([dave]);
  });

  it('with no grants every member is unexplained', () => {
    expect(unexplainedMembers([alice, dave], [])).toEqual([alice, dave]);
  });
});
