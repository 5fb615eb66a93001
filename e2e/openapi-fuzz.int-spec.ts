import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import fc from 'fast-check';
import pg from 'pg';
import { connectTestNats, createTestDatabase, deleteTopology, testTopology, waitFor } from '@jit/events/testing';
import { MIDDLEWARE_EXTENSION, type OpenApiDocument, type OpenApiOperation } from '@jit/platform';
import { startTestService } from '@jit/platform/testing';
import { approvalService } from '../apps/approval/src/service.js';
import { auditService } from '../apps/audit/src/service.js';
import { intakeService } from '../apps/intake/src/service.js';
import { provisionerService } from '../apps/provisioner/src/service.js';
import { seedPeople, startVendorSim, type VendorSim } from '../tools/vendor-sim/src/index.js';

/**
 * Drives every operation of every service's OpenAPI document (read from the running service's
 * `/docs-json`, so a new route is fuzzed without touching this file) with generated paths, query
 * strings, headers and bodies, valid-ish and hostile. Whatever comes in: never a 5xx; every 4xx in
 * the shared JSON error shape, a 400 naming the field; and a refusal publishes nothing.
 */

const API_KEY = 'fuzz-demo-api-key-0123456789';
// Runs per operation: with some twenty-seven operations this takes 20-50 s on a busy machine.
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
// A failure prints the seed and the shrunk counterexample; FUZZ_SEED=<seed> replays that run.
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const people = Object.values(seedPeople).map((person) => person.email);
const services = { intake: intakeService, approval: approvalService, provisioner: provisionerService, audit: auditService };

type JsonSchema = Record<string, any>;
interface Target {
  service: string;
  url: string;
  method: string;
  path: string;
  operation: OpenApiOperation;
}
interface FuzzRequest {
  path: string;
  query: string;
  headers: Record<string, string>;
  body?: string;
}

describe('fuzzing every documented operation', () => {
  let sim: VendorSim;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let db: pg.Client;
  const topology = testTopology('openapi_fuzz');
  const running: Awaited<ReturnType<typeof startTestService>>[] = [];
  const targets: Target[] = [];
  // Ids and names the services answered with, so generated inputs also reach past "not found".
  const seen = new Set<string>(['aws-prod-console', 'demo-sandbox', 'github-admin']);

  beforeAll(async () => {
    sim = await startVendorSim({ port: 0 });
    const databaseUrl = await createTestDatabase('openapi_fuzz');
    const env = {
      JIT_DEMO_API_KEY: API_KEY,
      AUDITORS: seedPeople.dave.email,
      OKTA_ORG_URL: sim.url,
      OKTA_API_TOKEN: 'fuzz-okta-token',
      JIRA_HOST: sim.url,
      JIRA_EMAIL: 'jit@example.com',
      JIRA_API_TOKEN: 'fuzz-jira-token',
      SLACK_BOT_TOKEN: 'xoxb-fuzz-token',
      SLACK_SIGNING_SECRET: 'fuzz-signing-secret',
      SLACK_API_URL: `${sim.url}/api/`,
      // Rounds on their own would publish at any moment; the fuzzer asks for them through the API.
      RECONCILE_INTERVAL_MS: '3600000',
      // Per-caller and failed-authentication limits would answer most runs 429 and fuzz nothing deeper.
      RATE_LIMIT_MAX: '0',
    };
    for (const [name, definition] of Object.entries(services)) {
      running.push(await startTestService(definition, { name: `openapi_fuzz_${name}`, topology, databaseUrl, env }));
    }
    nc = await connectTestNats();
    jsm = await jetstreamManager(nc);
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    for (const [index, name] of Object.keys(services).entries()) {
      const { url } = running[index];
      const document = (await (await fetch(`${url}/docs-json`)).json()) as OpenApiDocument;
      for (const [path, operations] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          // The web app's routes (hand-written, served by middleware) take a session cookie, not a bearer
          // credential; intake's OpenAPI test and the web e2e tests call them.
          if (operation[MIDDLEWARE_EXTENSION] === true) continue;
          targets.push({ service: name, url, method, path, operation });
        }
      }
    }
  }, 120_000);

  afterAll(async () => {
    for (const service of running.reverse()) await service.stop();
    await db?.end();
    if (nc) {
      await deleteTopology(nc, topology);
      await nc.close();
    }
    await sim?.close();
  });

  it('reads the operations from every service document', () => {
    const operations = targets.map((t) => `${t.service} ${t.method.toUpperCase()} ${t.path}`);
    expect(operations).toEqual(
      expect.arrayContaining([
        'intake POST /v1/requests',
        'approval POST /v1/approvals/{requestId}/decision',
        'provisioner POST /v1/reconciliations',
        'audit GET /v1/audit/events',
      ]),
    );
  });

  it('answers every generated request below 500, refuses in the JSON error shape naming the field, and a refusal publishes nothing', async () => {
    const failures: string[] = [];
    const statuses: Record<string, Record<number, number>> = {};
    for (const target of targets) {
      await fc
        .assert(
          fc.asyncProperty(requestFor(target, seen), async (request) => {
            const before = await publishedUpTo();
            const response = await fetch(`${target.url}${request.path}${request.query}`, {
              method: target.method.toUpperCase(),
              headers: request.headers,
              body: request.body,
            }).catch((error: Error) => {
              const cause = String((error.cause as Error | undefined)?.message ?? error.cause);
              // fetch itself refuses to send some headers (an Authorization of "Bearer " alone): nothing reached the server.
              if (/^invalid .*header/.test(cause)) return undefined;
              throw new Error(`${error.message}: ${cause}`);
            });
            fc.pre(response !== undefined);
            const text = await response.text();
            const counts = (statuses[`${target.service} ${target.method.toUpperCase()} ${target.path}`] ??= {});
            counts[response.status] = (counts[response.status] ?? 0) + 1;
            const where = `${target.service} ${target.method.toUpperCase()} ${`${request.path}${request.query}`.slice(0, 200)} -> ${response.status} ${text.slice(0, 300)}`;
            expect({ where, serverError: response.status >= 500 }).toEqual({ where, serverError: false });
            if (response.ok) {
              remember(text, seen);
              return;
            }
            const body = parseJson(text);
            expect({ where, body }).toEqual({
              where,
              body: { error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) },
            });
            if (response.status === 400) expect({ where, namesField: namesField(body.error) }).toEqual({ where, namesField: true });
            expect({ where, published: await originatingEventsAfter(before) }).toEqual({ where, published: [] });
          }),
          { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
        )
        .catch((error: Error) =>
          failures.push(
            `${target.service} ${target.method.toUpperCase()} ${target.path}: ${error.message.slice(0, 1500)}\n${String((error.cause as Error | undefined)?.message ?? '').slice(0, 1500)}`,
          ),
        );
    }
    process.stdout.write(`answers per operation: ${JSON.stringify(statuses, null, 1)}\n`);
    // Every operation is tried before failing, so one run lists every broken route with its seed.
    expect(failures).toEqual([]);
  }, 600_000);

  /** The stream's last sequence once every outbox has published what it holds. */
  async function publishedUpTo(): Promise<number> {
    await waitFor(
      async () => {
        const { rows } = await db.query<{ unpublished: string }>(
          `SELECT (SELECT count(*) FROM intake.outbox WHERE published_at IS NULL)
                + (SELECT count(*) FROM approval.outbox WHERE published_at IS NULL)
                + (SELECT count(*) FROM provisioner.outbox WHERE published_at IS NULL) AS unpublished`,
        );
        return Number(rows[0].unpublished) === 0;
      },
      { timeoutMs: 30_000, intervalMs: 20, what: 'the outboxes to drain' },
    );
    return (await jsm.streams.info(topology.stream)).state.last_seq;
  }

  /**
   * The events published after `seq` that no other event caused: what an HTTP request (or an
   * operator's round) set off. A request's own events are enqueued in its transaction, so they are
   * out once the outboxes drain; events that earlier successes set off in the other services (a
   * grant, an approval opened) name their cause and are not counted.
   */
  async function originatingEventsAfter(seq: number): Promise<string[]> {
    const last = await publishedUpTo();
    const events: string[] = [];
    for (let at = seq + 1; at <= last; at++) {
      const event = (await jsm.streams.getMessage(topology.stream, { seq: at }))?.json<{
        type: string;
        requestId: string;
        causationId: string | null;
      }>();
      if (event && event.causationId === null) events.push(`${event.type} ${event.requestId}`);
    }
    return events;
  }
});

/** The requests the fuzzer sends to one operation. */
function requestFor(target: Target, seen: Set<string>): fc.Arbitrary<FuzzRequest> {
  const parameters = (target.operation.parameters ?? []) as { name: string; in: string; required?: boolean; schema: JsonSchema }[];
  const pathParameters = parameters.filter((p) => p.in === 'path');
  const queryParameters = parameters.filter((p) => p.in === 'query');
  const headerParameters = parameters.filter((p) => p.in === 'header');
  const bodySchema = (target.operation.requestBody as { content: Record<string, { schema: JsonSchema; example?: unknown }> } | undefined)
    ?.content['application/json'];

  const path = fc
    .tuple(...pathParameters.map((p) => fc.oneof(valueOf(p.schema, seen).map(String), hostileText())))
    .map((values) =>
      pathParameters.reduce((path, p, i) => path.replace(`{${p.name}}`, encodeURIComponent(wellFormed(values[i]))), target.path),
    );
  const query = fc
    .tuple(
      ...queryParameters.map((p) =>
        fc.option(
          fc.oneof(
            valueOf(p.schema, seen).map((v) => [String(v)]),
            hostileText().map((v) => [v]),
            fc.array(hostileText(10), { minLength: 2, maxLength: 3 }),
          ),
          {
            nil: undefined,
          },
        ),
      ),
      fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), hostileText(), { maxKeys: 3 }), { nil: undefined }),
    )
    .map((values) => {
      const extra = values.pop() as Record<string, string> | undefined;
      const pairs: [string, string][] = queryParameters.flatMap((p, i) =>
        ((values[i] as string[] | undefined) ?? []).map((v): [string, string] => [p.name, v]),
      );
      for (const [name, value] of Object.entries(extra ?? {})) pairs.push([name, value]);
      return pairs.length ? `?${new URLSearchParams(pairs).toString()}` : '';
    });
  const headers = fc
    .record({
      authorization: fc.oneof(
        { weight: 6, arbitrary: fc.constant(`Bearer ${API_KEY}`) },
        {
          weight: 1,
          arbitrary: fc.constantFrom('', 'Bearer', 'Bearer ', `Basic ${API_KEY}`, 'Bearer wrong-key', 'Bearer a.b.c', `bearer  ${API_KEY}`),
        },
        { weight: 1, arbitrary: headerText().map((t) => `Bearer ${t}`) },
      ),
      onBehalfOf: fc.option(fc.oneof(fc.constantFrom(...people, 'ALICE@Example.COM', ' bob@example.com '), headerText()), {
        nil: undefined,
      }),
      contentType: fc.oneof(
        { weight: 6, arbitrary: fc.constant('application/json') },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/json; charset=latin1',
            'multipart/form-data',
          ),
        },
      ),
      documented: fc.tuple(
        ...headerParameters.map((p) => fc.option(fc.oneof(valueOf(p.schema, seen).map(String), headerText()), { nil: undefined })),
      ),
    })
    .map(({ authorization, onBehalfOf, contentType, documented }) => {
      const result: Record<string, string> = { 'content-type': contentType };
      if (authorization) result.authorization = authorization;
      if (onBehalfOf !== undefined) result['on-behalf-of'] = onBehalfOf;
      headerParameters.forEach((p, i) => {
        if (documented[i] !== undefined) result[p.name] = documented[i];
      });
      return result;
    });
  // fetch sends no body with GET; other methods without a documented body get one anyway, now and then.
  const body = bodySchema
    ? bodyFor(bodySchema.schema, bodySchema.example, seen)
    : target.method === 'get'
      ? fc.constant(undefined)
      : fc.option(fc.json(), { nil: undefined });
  return fc.record({ path, query, headers, body });
}

/** Bodies: valid per the schema, the example, each with a field dropped, mistyped or poisoned, and anything at all. */
function bodyFor(schema: JsonSchema, example: unknown, seen: Set<string>): fc.Arbitrary<string | undefined> {
  const valid = fc.oneof(valueOf(schema, seen), ...(example === undefined ? [] : [fc.constant(example)]));
  const fields = Object.keys(schema.properties ?? {});
  const mutated = fc
    .tuple(
      valid,
      fc.constantFrom(...(fields.length ? fields : ['field'])),
      fc.oneof(fc.constant(undefined), fc.jsonValue(), hostileText(BODY_HUGE)),
      fc.boolean(),
    )
    .map(([value, field, replacement, extra]) => {
      const object = { ...(value as Record<string, unknown>) };
      if (replacement === undefined) delete object[field];
      else object[field] = replacement;
      if (extra) object.unexpected = 'field';
      return object;
    });
  return fc.oneof(
    { weight: 3, arbitrary: valid.map((v) => JSON.stringify(v)) },
    { weight: 4, arbitrary: mutated.map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(undefined, '', 'null', '[]', '"text"', '{"__proto__":{"x":1}}', '{"a":1,"a":2}', '{', '{"a":'),
    },
  );
}

/** A value the JSON Schema accepts, or close to it: enums, formats and bounds as written, ids seen earlier. */
function valueOf(schema: JsonSchema, seen: Set<string>): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.anyOf || schema.oneOf) return fc.oneof(...((schema.anyOf ?? schema.oneOf) as JsonSchema[]).map((s) => valueOf(s, seen)));
  switch (schema.type) {
    case 'string':
      return stringOf(schema, seen);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -10, max: schema.maximum ?? 10_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -10, max: schema.maximum ?? 10_000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valueOf(schema.items ?? {}, seen), { minLength: schema.minItems ?? 0, maxLength: 3 });
    case 'object': {
      const required = new Set<string>(schema.required ?? []);
      const entries = Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>);
      return fc.record(Object.fromEntries(entries.map(([name, s]) => [name, valueOf(s, seen)])), {
        requiredKeys: entries.map(([name]) => name).filter((name) => required.has(name)),
      });
    }
    default:
      return fc.jsonValue();
  }
}

function stringOf(schema: JsonSchema, seen: Set<string>): fc.Arbitrary<string> {
  const known = fc.nat().map((i) => [...seen][i % seen.size]);
  switch (schema.format) {
    case 'uuid':
      return fc.oneof(fc.uuid(), known);
    case 'email':
      return fc.oneof(fc.constantFrom(...people), fc.emailAddress());
    case 'date-time':
      return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
    default:
      return fc.oneof(
        known,
        fc.constantFrom('1h', '30m', '90s', 'PT1H'),
        fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) }),
      );
  }
}

// Node answers a request line or headers over 16 KiB itself, with a bare 431 before any application
// code runs; URL parts stay well under that, bodies go far beyond.
const URL_HUGE = 1000;
const BODY_HUGE = 20_000;

/** Text an attacker would try: control characters and NUL, unicode of every plane, huge, and the usual injections. */
function hostileText(huge = URL_HUGE): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.constantFrom(
      'nul\u0000byte',
      '\u0000',
      'line\r\nbreak',
      '\u001b[31mred',
      '\u202eevil',
      '\ud83d\ude00',
      '\ud800',
      "' OR 1=1 --",
      '=HYPERLINK("http://x")',
      '../../etc/passwd',
      '{{7*7}}',
      '%00',
      '-1',
      '1e309',
      'NaN',
      'null',
      'true',
      ' ',
    ),
    fc.integer({ min: huge / 2, max: huge }).map((n) => 'x'.repeat(n)),
  );
}

/** Header values: what fetch can send at all (no NUL, CR or LF; Latin-1), odd nonetheless. */
function headerText(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
    fc.integer({ min: 500, max: 4000 }).map((n) => 'y'.repeat(n)),
    fc.constantFrom('\t', 'a\tb', 'Bearer x', '*', '%00'),
  );
}

/** The text with lone surrogates replaced (U+FFFD), as a URL can only carry well-formed UTF-8. */
function wellFormed(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A 400 names what is wrong: `details.issues` with a field each, or a message that starts `field: `. */
function namesField(error: { message: string; details?: { issues?: { field?: unknown }[] } }): boolean {
  const issues = error.details?.issues;
  if (Array.isArray(issues) && issues.length > 0) return issues.every((issue) => typeof issue.field === 'string' && issue.field.length > 0);
  return /^[^\s:]+: /.test(error.message);
}

/** Keeps the ids and names a service answered with, for later inputs. */
function remember(text: string, seen: Set<string>): void {
  const visit = (value: unknown, key?: string): void => {
    if (typeof value === 'string' && key && /^(id|requestId|applicationId)$/.test(key) && value.length < 100) seen.add(value);
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(v, Array.isArray(value) ? key : k);
  };
  visit(parseJson(text));
}
