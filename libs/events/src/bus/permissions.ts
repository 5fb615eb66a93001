import { deadLetterSubject, subjectFor, type Topology } from '../jetstream/topology.js';
import { busUsers, eventsOwnedBy, type BusUser } from './ownership.js';

/** What one NATS user may publish and subscribe to (subjects may hold NATS wildcards). */
export interface BusPermissions {
  publish: string[];
  subscribe: string[];
}

/**
 * The inbox prefix of a user's connection. Replies (JetStream acks, pulled messages, API answers)
 * come to the inbox, so each user subscribes to its own prefix only and cannot read the replies
 * another service receives.
 */
export function inboxPrefixOf(user: string): string {
  return `_INBOX_${user}`;
}

/**
 * What a user needs on the bus and nothing more. A service publishes the event types it owns
 * (`eventOwners`), its own dead letters, and the JetStream API calls of its own durable consumer;
 * it may look up and create the two streams (creating only succeeds while they do not exist) but
 * not update, purge or delete them, so a compromised service cannot shorten the log's retention.
 * The CLI reads both streams with short-lived consumers and republishes dead letters on their
 * original subject.
 */
export function busPermissions(user: BusUser, topology: Topology): BusPermissions {
  const streams = [topology.stream, topology.deadLetterStream];
  const inbox = [`${inboxPrefixOf(user)}.>`];
  if (user === 'cli') {
    return {
      publish: [
        `${topology.prefix}.>`,
        '$JS.API.INFO',
        ...streams.flatMap((s) => [
          `$JS.API.STREAM.INFO.${s}`,
          `$JS.API.STREAM.MSG.GET.${s}`,
          `$JS.API.CONSUMER.CREATE.${s}.>`,
          `$JS.API.CONSUMER.INFO.${s}.*`,
          `$JS.API.CONSUMER.MSG.NEXT.${s}.*`,
          `$JS.API.CONSUMER.DELETE.${s}.*`,
        ]),
      ],
      subscribe: inbox,
    };
  }
  const durable = user;
  return {
    publish: [
      ...eventsOwnedBy(user).map((type) => subjectFor(topology, type)),
      deadLetterSubject(topology, user),
      '$JS.API.INFO',
      ...streams.flatMap((s) => [`$JS.API.STREAM.INFO.${s}`, `$JS.API.STREAM.CREATE.${s}`]),
      `$JS.API.CONSUMER.INFO.${topology.stream}.${durable}`,
      // nats.js names the filter subject in the create call from server 2.9 on; older servers use DURABLE.CREATE.
      `$JS.API.CONSUMER.CREATE.${topology.stream}.${durable}`,
      `$JS.API.CONSUMER.CREATE.${topology.stream}.${durable}.>`,
      `$JS.API.CONSUMER.DURABLE.CREATE.${topology.stream}.${durable}`,
      `$JS.API.CONSUMER.MSG.NEXT.${topology.stream}.${durable}`,
      // Acks, in-progress and naks of its own consumer's deliveries only.
      `$JS.ACK.${topology.stream}.${durable}.>`,
    ],
    subscribe: inbox,
  };
}

/**
 * How the server learns one user's secret: a literal password (a generated local file), the name
 * of an environment variable the server reads at start-up (`$VAR` in the config), or an nkey.
 */
export type BusCredential = { password: string } | { passwordVariable: string } | { nkey: string };

/**
 * The `authorization` block of a nats-server configuration: every user of the system with its
 * permissions, plus an optional `admin` user with every permission for the operator (stream
 * changes, inspection). Users without a credential are left out and so cannot connect.
 */
export function natsAuthorizationBlock(topology: Topology, credentials: Partial<Record<BusUser | 'admin', BusCredential>>): string {
  const entries = [...busUsers, 'admin' as const].flatMap((user) => {
    const credential = credentials[user];
    if (!credential) return [];
    // An nkey user is known by its public key alone.
    const fields = ['nkey' in credential ? '' : `user: ${JSON.stringify(user)}`, credentialField(credential)].filter(Boolean);
    if (user !== 'admin') {
      const { publish, subscribe } = busPermissions(user, topology);
      fields.push(`permissions: { publish: { allow: ${list(publish)} }, subscribe: { allow: ${list(subscribe)} } }`);
    }
    return [`    { ${fields.join(', ')} }`];
  });
  return ['authorization {', '  users: [', entries.join(',\n'), '  ]', '}'].join('\n');
}

function credentialField(credential: BusCredential): string {
  if ('password' in credential) return `password: ${JSON.stringify(credential.password)}`;
  if ('passwordVariable' in credential) return `password: $${credential.passwordVariable}`;
  return `nkey: ${JSON.stringify(credential.nkey)}`;
}

function list(subjects: string[]): string {
  return `[${subjects.map((s) => JSON.stringify(s)).join(', ')}]`;
}
