import 'reflect-metadata';
import { ConfigError, loadConfig, runService } from '@jit/platform';
import { slackSettingsOf, type ApprovalConfig } from './config.js';
import { approvalService } from './service.js';

// The platform validates each variable on its own; the Slack pair is checked here so a token
// without its signing secret stops the process with a clear message before anything starts.
try {
  slackSettingsOf(loadConfig(approvalService, process.env) as ApprovalConfig);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

await runService(approvalService);
