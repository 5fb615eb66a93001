import { startVendorSim } from './server.js';

// Standalone simulator: `VENDOR_SIM_PORT` (default 4010), `VENDOR_SIM_HOST` (default 0.0.0.0 so containers can
// reach it), `VENDOR_SIM_PUBLIC_URL` when clients reach it under another name, and optional fixed credentials.
const env = process.env;
const sim = await startVendorSim({
  port: Number(env.VENDOR_SIM_PORT ?? 4010),
  host: env.VENDOR_SIM_HOST ?? '0.0.0.0',
  publicUrl: env.VENDOR_SIM_PUBLIC_URL,
  oktaRateLimitPerMinute: env.VENDOR_SIM_OKTA_RATE_LIMIT ? Number(env.VENDOR_SIM_OKTA_RATE_LIMIT) : undefined,
  audience: env.VENDOR_SIM_AUDIENCE,
  oktaApiToken: env.VENDOR_SIM_OKTA_TOKEN,
  jiraEmail: env.VENDOR_SIM_JIRA_EMAIL,
  jiraApiToken: env.VENDOR_SIM_JIRA_TOKEN,
  slackToken: env.VENDOR_SIM_SLACK_TOKEN,
  log: (line) => process.stdout.write(`${JSON.stringify({ service: 'vendor-sim', ...line })}\n`),
});
process.stdout.write(
  `${JSON.stringify({ time: new Date().toISOString(), service: 'vendor-sim', msg: 'vendor-sim listening', url: sim.url, issuer: sim.issuer })}\n`,
);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void sim.close().then(() => process.exit(0));
  });
}
