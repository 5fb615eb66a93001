import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type DestinationStream, type Level, type Logger, type LoggerOptions } from 'pino';

/** Paths that may hold secrets; pino replaces their values before anything is written. */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-slack-signature"]',
  'headers.authorization',
  'authorization',
  'token',
  'apiKey',
  'password',
  'secret',
  '*.token',
  '*.apiKey',
  '*.password',
  '*.secret',
];

/** Nest's own start-up lines (one per module and per route): what a debugging session wants, noise at info. */
const nestStartupContexts = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
  'NestMicroservice',
]);

function isNestStartupLine(first: unknown): boolean {
  return typeof first === 'object' && first !== null && nestStartupContexts.has((first as { context?: unknown }).context as string);
}

/** One JSON line per log event, tagged with the service name, on stdout unless `destination` says otherwise. */
export function createLogger(service: string, level: string, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    name: service,
    level,
    base: { service },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    hooks: {
      logMethod(args, method, logLevel) {
        if (logLevel === pino.levels.values.info && isNestStartupLine(args[0])) return this.debug(...(args as [object, string]));
        return method.apply(this, args);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * The level of pino-http's line for a finished request: debug, so a console at info is not one
 * line per request and poll; a server error stays an error.
 */
export function httpLogLevel(_req: IncomingMessage, res: ServerResponse, error?: Error): Level {
  return error || res.statusCode >= 500 ? 'error' : 'debug';
}
