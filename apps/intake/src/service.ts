import type { ServiceDefinition } from '@jit/platform';
import { CreateRequests1764000000100 } from './migrations/1764000000100-create-requests.js';

/** Request intake: the application catalog, requests and their status. */
export const intakeService: ServiceDefinition = {
  name: 'intake',
  defaultPort: 3000,
  imports: [],
  migrations: [CreateRequests1764000000100],
};
