import { userInfo } from 'node:os';
import { DataSource } from 'typeorm';
import {
  ApiKeyRefSchema,
  ApiKeyStore,
  NewApiKeySchema,
  migrateCredentials,
  parseInput,
  type ApiKeyView,
  type IssuedApiKey,
} from '@jit/platform';

/** What `jit keys <action>` was given on the command line. */
export interface KeysArguments {
  action: string | undefined;
  ref: string | undefined;
  name?: string;
  owner?: string;
  scopes?: string;
  expires?: string;
  by?: string;
}

/** What a keys command answers: the lines to print, one JSON value each. */
export type KeysOutput = (IssuedApiKey | ApiKeyView | { key: ApiKeyView })[];

/**
 * Runs one keys command straight against `DATABASE_URL`, so the first admin key can be made before
 * any service runs. The credentials schema is brought up to date first (a no-op when it is).
 */
export async function runKeysCommand(databaseUrl: string, args: KeysArguments, now: Date): Promise<KeysOutput> {
  const dataSource = await new DataSource({ type: 'postgres', url: databaseUrl, extra: { max: 2 } }).initialize();
  try {
    await migrateCredentials(dataSource);
    const store = new ApiKeyStore(dataSource);
    const by = args.by ?? `cli:${userInfo().username}`;
    switch (args.action) {
      case 'create': {
        const input = parseInput(NewApiKeySchema, {
          name: args.name,
          owner: args.owner,
          scopes: args.scopes?.split(',').map((scope) => scope.trim()),
          ...(args.expires === undefined ? {} : { expiresAt: args.expires }),
        });
        return [await store.create(input, by, now)];
      }
      case 'list':
        return await store.list(now);
      case 'rotate':
        return [await store.rotate(required(args.ref, 'rotate'), by, now)];
      case 'revoke':
        return [{ key: await store.revoke(required(args.ref, 'revoke'), by, now) }];
      default:
        throw new UsageError(`unknown keys command "${args.action ?? ''}"`);
    }
  } finally {
    await dataSource.destroy();
  }
}

/** A command line that does not say what to do; the CLI answers with its usage and exit code 2. */
export class UsageError extends Error {}

function required(ref: string | undefined, action: string): string {
  if (!ref) throw new UsageError(`keys ${action} needs the key's id or name`);
  return parseInput(ApiKeyRefSchema, ref, { field: 'id or name' });
}
