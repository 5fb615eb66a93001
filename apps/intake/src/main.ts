import 'reflect-metadata';
import { runService } from '@jit/platform';
import { intakeService } from './service.js';

await runService(intakeService);
