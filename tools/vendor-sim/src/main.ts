import { optionsFromEnv } from './config.js';
import { startVendorSim, type VendorSimOptions } from './server.js';

function optionsOrExit(): VendorSimOptions {
  try {
    return optionsFromEnv(process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
}

const options = optionsOrExit();
const sim = await startVendorSim({
  ...options,
  // Debug, like the services' per-request lines, so a console at info is not one line per call.
  log: (line) =>
    process.stdout.write(
      `${JSON.stringify({ level: 20, service: 'vendor-sim', msg: `${line.method} ${line.path} ${line.status}`, ...line })}\n`,
    ),
});
process.stdout.write(
  `${JSON.stringify({
    time: new Date().toISOString(),
    level: 30,
    service: 'vendor-sim',
    msg: 'vendor-sim listening',
    url: sim.url,
    issuer: sim.issuer,
    generatedPeople: options.generatedPeople ?? 0,
  })}\n`,
);
if (sim.loaded) {
  const said = {
    restored: `restored the simulated Okta, Jira and Slack state saved at ${sim.loaded.state === 'restored' ? sim.loaded.savedAt : ''}`,
    empty: 'no saved state: starting from the seed directory',
    set_aside: `could not read the saved state (${sim.loaded.state === 'set_aside' ? sim.loaded.reason : ''}); set it aside and started from the seed directory`,
  }[sim.loaded.state];
  const level = sim.loaded.state === 'set_aside' ? 40 : 30;
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), level, service: 'vendor-sim', msg: said, stateDir: options.stateDir, ...sim.loaded })}\n`,
  );
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void sim.close().then(() => process.exit(0));
  });
}
