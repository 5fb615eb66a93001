import 'reflect-metadata';
import { runService } from '@jit/platform';
import { auditService } from './service.js';

await runService(auditService);
