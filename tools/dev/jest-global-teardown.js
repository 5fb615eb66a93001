// Stops the NATS and Postgres the global setup started for this run, and removes their data.
export default async function globalTeardown() {
  await globalThis.__jitTestServers?.stop();
}
