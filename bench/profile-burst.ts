/**
 * `npm run bench:profile`: where the CPU of a burst goes. Runs 150 requests, 20 in flight, against
 * every service started with `--cpu-prof`, then prints, per service, the share of its busy time after
 * start-up by package and the heaviest functions. The profiles stay in the printed folder for a
 * closer look (Chrome DevTools, speedscope).
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, serviceNames } from '../e2e/support/system.js';
import { generatedPerson } from '../tools/vendor-sim/src/index.js';
import { EventClock, startBenchSystem } from './support/system-probe.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

const total = 150;
const folder = mkdtempSync(join(tmpdir(), 'jit-burst-profile-'));
// Read by the service processes only: this process started with its own options.
process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --cpu-prof --cpu-prof-dir=${folder}`.trim();
const { system, nc, stop } = await startBenchSystem('bench_profile', { sim: { generatedPeople: total } });
const pids = new Map(serviceNames.map((name) => [system.services[name].child.pid!, name]));
const events = new EventClock(nc, system.topology.prefix, ['granted']);
const client = ApiClient.apiKey(system);
const ids: string[] = [];
let next = 0;
await Promise.all(
  Array.from({ length: 20 }, async () => {
    while (next < total) {
      const person = generatedPerson(++next);
      const created = await client.call('intake', 'POST', '/v1/requests', {
        applicationId: 'demo-sandbox',
        duration: '30m',
        justification: 'profile',
        requester: person.email,
      });
      ids.push(created.body.id as string);
    }
  }),
);
await Promise.all(ids.map((id) => events.when('granted', id)));
events.close();
await stop();

/** Where a sample's time goes: its package, a workspace library, or Node's own part. */
function placeOf(url: string, functionName: string): string {
  const dependency = /node_modules\/(@[^/]+\/[^/]+|[^/]+)/.exec(url);
  if (dependency) return dependency[1];
  if (url.includes('/libs/')) return `libs/${url.split('/libs/')[1].split('/')[0]}`;
  if (url.includes('/apps/')) return 'apps';
  return url.startsWith('node:') ? url.replace('node:internal/', 'node:') : functionName || '(native)';
}

for (const file of readdirSync(folder).filter((f) => f.endsWith('.0.001.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(join(folder, file), 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  let t = 0;
  const times = profile.timeDeltas.map((d) => (t += d));
  // Start-up ends with the last module the loader compiled.
  const startUp = profile.samples.reduce((end, s, i) => (/modules\/(esm|cjs)\//.test(byId.get(s)!.callFrame.url) ? times[i] : end), 0);
  const places = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((s, i) => {
    const { functionName, url } = byId.get(s)!.callFrame;
    if (times[i] <= startUp || functionName === '(idle)') return;
    busy += profile.timeDeltas[i];
    const place = placeOf(url, functionName);
    places.set(place, (places.get(place) ?? 0) + profile.timeDeltas[i]);
  });
  const pid = Number(file.split('.')[3]);
  process.stdout.write(
    `${pids.get(pid) ?? pid}: ${Math.round(busy / 1000)} ms busy after start-up (${(busy / 1000 / total).toFixed(1)} ms a request)\n`,
  );
  for (const [place, us] of [...places.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
    process.stdout.write(`  ${((us / busy) * 100).toFixed(1).padStart(5)}%  ${place}\n`);
  }
}
process.stdout.write(`profiles: ${folder}\n`);
