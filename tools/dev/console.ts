// Where the supervisor writes its own log lines and its children's: pino's pretty printer for a person, JSON lines for machines.
import type { Writable } from 'node:stream';
import { PinoPretty } from 'pino-pretty';
import type { Level } from 'pino';
import type { LogFormat } from './log-format.js';

/**
 * The supervisor's console. Children write pino JSON lines to a pipe the supervisor reads, so one
 * printer formats every process's lines and a service's own logger stays the same in a deployment.
 * pino-pretty passes lines that are not JSON (a stack trace, the banner) through unchanged.
 */
export function consoleOutput(format: LogFormat, minimumLevel: Level): Writable {
  if (format === 'json') return process.stdout;
  return PinoPretty({
    destination: 1,
    // Synchronous, so the last lines before `process.exit` are not lost.
    sync: true,
    // The simulator has no level setting of its own: its per-request lines (debug) are hidden here.
    minimumLevel,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,name,service',
    messageFormat: '{if service}{service}: {end}{msg}',
  });
}
