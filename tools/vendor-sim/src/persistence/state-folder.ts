import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { JWK } from 'jose';
import type { SimContext } from '../context.js';
import type { Person } from '../directory/people.js';
import type { JiraSnapshot } from '../jira/store.js';
import type { OktaSnapshot } from '../okta/directory.js';
import type { SlackSnapshot } from '../slack/workspace.js';

/** Bumped when a snapshot's shape changes: a state file of another version is set aside, not misread. */
const FORMAT = 1;

/** What the state file holds: the people, the Okta org, the Jira project and the Slack workspace. */
interface SimSnapshot {
  format: number;
  people: Person[];
  okta: OktaSnapshot;
  jira: JiraSnapshot;
  slack: SlackSnapshot;
}

/** What loading a state folder found. */
export type LoadOutcome =
  { state: 'restored'; savedAt: string } | { state: 'empty' } | { state: 'set_aside'; reason: string; file: string };

/**
 * Where a long-running local simulator keeps what a person would notice losing on a restart: its
 * signing key (a token minted before the restart still verifies) and the Okta, Jira and Slack state
 * (an active grant's group membership, the ticket the provisioner will close, the messages sent).
 * Faults and the rate-limit window are not kept: they are a test's, and last one run.
 *
 * The state is written whole, with V8's structured serialisation (Maps, Sets and Dates as they are,
 * shared objects shared), to a temporary file renamed over the last one, shortly after each request
 * that may change it and when the simulator stops.
 */
export class StateFolder {
  private readonly stateFile: string;
  private readonly keyFile: string;
  private pending: NodeJS.Timeout | undefined;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.stateFile = join(dir, 'state.bin');
    this.keyFile = join(dir, 'signing-key.json');
  }

  /** The kept signing key, if there is one. */
  signingKey(): JWK | undefined {
    return existsSync(this.keyFile) ? (JSON.parse(readFileSync(this.keyFile, 'utf8')) as JWK) : undefined;
  }

  /** Keeps the signing key, readable by its owner only. */
  keepSigningKey(jwk: JWK): void {
    writeAtomically(this.keyFile, JSON.stringify(jwk), 0o600);
  }

  /** Restores the kept state into the context; a file that cannot be read is renamed aside, and the seed state stays. */
  load(ctx: SimContext): LoadOutcome {
    if (!existsSync(this.stateFile)) return { state: 'empty' };
    try {
      const snapshot = deserialize(readFileSync(this.stateFile)) as SimSnapshot & { savedAt: string };
      if (snapshot.format !== FORMAT) throw new Error(`format ${String(snapshot.format)}, expected ${FORMAT}`);
      ctx.people.restore(snapshot.people);
      ctx.okta.restore(snapshot.okta);
      ctx.jira.restore(snapshot.jira);
      ctx.slack.restore(snapshot.slack);
      return { state: 'restored', savedAt: snapshot.savedAt };
    } catch (error) {
      const aside = `${this.stateFile}.unreadable-${Date.now()}`;
      renameSync(this.stateFile, aside);
      return { state: 'set_aside', reason: (error as Error).message, file: aside };
    }
  }

  /** Writes the context's state now. */
  save(ctx: SimContext): void {
    clearTimeout(this.pending);
    this.pending = undefined;
    const snapshot: SimSnapshot & { savedAt: string } = {
      format: FORMAT,
      savedAt: new Date().toISOString(),
      people: ctx.people.snapshot(),
      okta: ctx.okta.snapshot(),
      jira: ctx.jira.snapshot(),
      slack: ctx.slack.snapshot(),
    };
    writeAtomically(this.stateFile, serialize(snapshot), 0o600);
  }

  /** Writes the state soon: a burst of requests costs one write. */
  saveSoon(ctx: SimContext, delayMs = 50): void {
    this.pending ??= setTimeout(() => this.save(ctx), delayMs);
  }
}

function writeAtomically(file: string, data: string | Buffer, mode: number): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, data, { mode });
  renameSync(temporary, file);
}
