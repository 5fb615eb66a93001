import { DEMO_CATALOG_FILE, readCatalog } from '@jit/catalog';
import { catalogRefusal } from '../src/catalog/catalog-check.js';

describe('catalogRefusal', () => {
  const catalog = readCatalog(DEMO_CATALOG_FILE);

  it('backs a grant into the group the catalog gives the application', () => {
    expect(
      catalogRefusal(catalog, { applicationId: 'aws-prod-console', oktaGroupId: '00g1awsprodconsole02', durationSeconds: 3600 }),
    ).toBeUndefined();
  });

  it("refuses another application's group, and an application the catalog does not have", () => {
    expect(catalogRefusal(catalog, { applicationId: 'aws-prod-console', oktaGroupId: '00g1githubadmin00003', durationSeconds: 3600 })).toBe(
      'the catalog grants aws-prod-console through Okta group 00g1awsprodconsole02, not 00g1githubadmin00003; nothing was granted',
    );
    expect(catalogRefusal(catalog, { applicationId: 'everything', oktaGroupId: '00g1githubadmin00003', durationSeconds: 3600 })).toBe(
      'the catalog has no application "everything"; nothing was granted',
    );
  });

  it('refuses a duration longer than the application allows, whatever the event says', () => {
    expect(
      catalogRefusal(catalog, { applicationId: 'aws-prod-console', oktaGroupId: '00g1awsprodconsole02', durationSeconds: 4 * 3600 }),
    ).toBeUndefined();
    expect(
      catalogRefusal(catalog, { applicationId: 'aws-prod-console', oktaGroupId: '00g1awsprodconsole02', durationSeconds: 30 * 86_400 }),
    ).toBe('720h is longer than aws-prod-console allows (4h); nothing was granted');
  });
});
