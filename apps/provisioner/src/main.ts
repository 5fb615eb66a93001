import 'reflect-metadata';
import { runService } from '@jit/platform';
import { provisionerService } from './service.js';

await runService(provisionerService);
