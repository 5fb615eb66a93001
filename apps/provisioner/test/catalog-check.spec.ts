import { DEMO_CATALOG_FILE, readCatalog } from '@jit/catalog';
import { catalogRefusal } from '../src/catalog/catalog-check.js';

describe('catalogRefusal', () => {
  const catalog = readCatalog(DEMO_CATALOG_FILE);

  it('backs a grant into the group the catalog gives the application', () => {
    expect(catalogRefusal(catalog, { applicationId: 'aws-prod-console', oktaGroupId: '00g1awsprodconsole02' })).toBeUndefined();
  });

  it("refuses another application's group, and an application the catalog does not have", () => {
    expect(catalogRefusal(catalog, { applicationId: 'aws-prod-console', oktaGroupId: '00g1githubadmin00003' })).toBe(
      'the catalog grants aws-prod-console through Okta group 00g1awsprodconsole02, not 00g1githubadmin00003; nothing was granted',
    );
    expect(catalogRefusal(catalog, { applicationId: 'everything', oktaGroupId: '00g1githubadmin00003' })).toBe(
      'the catalog has no application "everything"; nothing was granted',
    );
  });
});
