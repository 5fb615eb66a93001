import 'reflect-metadata';
import { runService } from '@jit/platform';
import { approvalService } from './service.js';

await runService(approvalService);
