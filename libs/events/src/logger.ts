/** The few logging calls the event machinery makes; pino and Nest's logger both fit. */
export interface EventLogger {
  debug(context: Record<string, unknown>, message: string): void;
  info(context: Record<string, unknown>, message: string): void;
  warn(context: Record<string, unknown>, message: string): void;
  error(context: Record<string, unknown>, message: string): void;
}

/** A logger that drops everything, for callers that do not care. */
export const silentLogger: EventLogger = { debug() {}, info() {}, warn() {}, error() {} };
