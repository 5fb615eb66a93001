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

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void sim.close().then(() => process.exit(0));
  });
}
