import { DEMO_CATALOG_FILE, readCatalog } from '@jit/catalog';
import type { RequestedData } from '@jit/events';
import { seedGroups } from '../../../../tools/vendor-sim/src/index.js';

const catalog = readCatalog(DEMO_CATALOG_FILE);

/**
 * The data of a `requested` event for two hours of the AWS production console, granted into
 * `groupId`, of the demo catalog's application of that group unless `applicationId` says otherwise;
 * shorter where the application allows less (the provisioner refuses a longer one).
 */
export function requested(
  requester: string,
  groupId: string = seedGroups.awsProdConsole.id,
  applicationId = Object.values(seedGroups).find((group) => group.id === groupId)?.name ?? 'aws-prod-console',
): RequestedData {
  return {
    requester,
    application: {
      id: applicationId,
      name: 'AWS Production Console',
      oktaGroupId: groupId,
      owners: ['carol@example.com'],
      approval: { kind: 'manager' },
    },
    durationSeconds: Math.min(7200, catalog.find(applicationId)?.maxDurationSeconds ?? 7200),
    justification: 'INC-1234 database failover',
  };
}
