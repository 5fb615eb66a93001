import type { Catalog, MembershipMode } from '@jit/catalog';

/**
 * The membership mode of each Okta group in the catalog. A group the catalog does not name (its
 * application was removed, say) is shared: a membership this system did not add is never removed
 * on a guess.
 */
export function membershipModes(catalog: Catalog): (groupId: string) => MembershipMode {
  const modes = catalog.groups();
  return (groupId) => modes.get(groupId) ?? 'shared';
}
