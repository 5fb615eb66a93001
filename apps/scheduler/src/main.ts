import 'reflect-metadata';
import { runService } from '@jit/platform';
import { schedulerService } from './service.js';

await runService(schedulerService);
