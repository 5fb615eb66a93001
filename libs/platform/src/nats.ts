import { existsSync } from 'node:fs';
import { connect, errors, nkeyAuthenticator, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import type { z } from 'zod';
import { inboxPrefixOf } from '@jit/events';
import { ConfigError, type BaseConfig } from './config.js';
import { refuseDemoSettings } from './modes.js';

/** The settings that say how to reach and log in to the bus. */
export type BusSettings = Pick<
  BaseConfig,
  'NATS_URL' | 'NATS_USER' | 'NATS_PASSWORD' | 'NATS_NKEY_SEED' | 'NATS_TLS_CA' | 'NATS_TLS_CERT' | 'NATS_TLS_KEY'
>;

/** Rules between the NATS variables, reported like any bad variable. */
export function busSettingsRules(values: BusSettings, ctx: z.RefinementCtx): void {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (values.NATS_USER && !values.NATS_PASSWORD) issue('NATS_PASSWORD', 'required with NATS_USER');
  if (values.NATS_PASSWORD && !values.NATS_USER) issue('NATS_USER', 'required with NATS_PASSWORD');
  if (values.NATS_NKEY_SEED && (values.NATS_USER || values.NATS_PASSWORD))
    issue('NATS_NKEY_SEED', 'use either an nkey seed or NATS_USER/NATS_PASSWORD, not both');
  if (Boolean(values.NATS_TLS_CERT) !== Boolean(values.NATS_TLS_KEY))
    issue(values.NATS_TLS_CERT ? 'NATS_TLS_KEY' : 'NATS_TLS_CERT', 'a client certificate needs both NATS_TLS_CERT and NATS_TLS_KEY');
}

/**
 * Outside local mode a service logs in as its own bus user, with a real password: on a bus that
 * lets it in anonymously, anyone who reaches NATS can publish any event. Messages name the
 * variable, never its value.
 */
export function requireBusLogin(values: BusSettings & Pick<BaseConfig, 'JIT_MODE'>, ctx: z.RefinementCtx): void {
  if (values.JIT_MODE === 'local') return;
  if (!values.NATS_USER && !values.NATS_NKEY_SEED) {
    ctx.addIssue({
      code: 'custom',
      path: ['NATS_USER'],
      message: "required outside local mode (JIT_MODE=local): the service's own bus user, with NATS_PASSWORD (or NATS_NKEY_SEED instead)",
    });
  }
  refuseDemoSettings(values, ctx, { secrets: ['NATS_PASSWORD'] });
}

/**
 * The connection options of one bus user. Replies come to the user's own inbox prefix, the only
 * one its permissions let it subscribe to (see `busPermissions`).
 */
export function busConnectionOptions(settings: BusSettings, user: string): NodeConnectionOptions {
  const tls =
    settings.NATS_TLS_CA || settings.NATS_TLS_CERT
      ? { caFile: settings.NATS_TLS_CA, certFile: settings.NATS_TLS_CERT, keyFile: settings.NATS_TLS_KEY }
      : undefined;
  return {
    servers: settings.NATS_URL.split(',').map((s) => s.trim()),
    name: user,
    inboxPrefix: inboxPrefixOf(user),
    ...(settings.NATS_USER ? { user: settings.NATS_USER, pass: settings.NATS_PASSWORD } : {}),
    ...(settings.NATS_NKEY_SEED ? { authenticator: nkeyAuthenticator(new TextEncoder().encode(settings.NATS_NKEY_SEED)) } : {}),
    ...(tls ? { tls } : {}),
  };
}

/**
 * Connects a bus user, waiting for the server as long as it takes; credentials the server refuses
 * are a configuration error (a wrong password never gets better by retrying).
 */
export async function connectBus(settings: BusSettings, user: string, options: NodeConnectionOptions = {}): Promise<NatsConnection> {
  // Checked here rather than with the other variables: the files are mounted where the service runs, not where its configuration is linted.
  for (const name of ['NATS_TLS_CA', 'NATS_TLS_CERT', 'NATS_TLS_KEY'] as const) {
    const file = settings[name];
    if (file && !existsSync(file)) throw new ConfigError(`invalid configuration for ${user}: ${name}: no such file: ${file}`);
  }
  try {
    return await connect({ ...busConnectionOptions(settings, user), ...options });
  } catch (error) {
    if (!(error instanceof errors.AuthorizationError)) throw error;
    const credentials = settings.NATS_NKEY_SEED
      ? 'the nkey in NATS_NKEY_SEED'
      : settings.NATS_USER
        ? `user "${settings.NATS_USER}" (NATS_USER/NATS_PASSWORD)`
        : 'no credentials (set NATS_USER and NATS_PASSWORD, or NATS_NKEY_SEED)';
    throw new ConfigError(`NATS at ${settings.NATS_URL} refused ${user}'s login with ${credentials}: ${error.message}`, { cause: error });
  }
}
