import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createLogger, httpLogLevel } from '../src/logger.js';

const request = {} as IncomingMessage;
const response = (statusCode: number) => ({ statusCode }) as ServerResponse;

describe('the service logger', () => {
  it('logs each finished request at debug, so a console at info is not a line per request and poll', () => {
    expect(httpLogLevel(request, response(200))).toBe('debug');
    expect(httpLogLevel(request, response(404))).toBe('debug');
  });

  it('logs a request that failed on the server as an error', () => {
    expect(httpLogLevel(request, response(500))).toBe('error');
    expect(httpLogLevel(request, response(200), new Error('boom'))).toBe('error');
  });

  it("moves Nest's own start-up lines to debug and keeps the service's own info lines", () => {
    const lines: { level: number; msg: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
        done();
      },
    });
    const logger = createLogger('intake', 'info', sink);
    // The shape nestjs-pino gives Nest's own lines: the context first, then the message.
    logger.info({ context: 'InstanceLoader' }, 'TypeOrmModule dependencies initialized');
    logger.info({ context: 'RouterExplorer' }, 'Mapped {/v1/requests, POST} route');
    logger.info({ url: 'http://127.0.0.1:3000' }, 'intake listening');
    logger.info({ context: 'GrantsHandler' }, 'a line of the service itself');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [30, 'intake listening'],
      [30, 'a line of the service itself'],
    ]);

    const debugLines: { level: number }[] = [];
    const debugLogger = createLogger('intake', 'debug', {
      write: (line: string) => void debugLines.push(JSON.parse(line) as { level: number }),
    });
    debugLogger.info({ context: 'InstanceLoader' }, 'TypeOrmModule dependencies initialized');
    expect(debugLines.map((l) => l.level)).toEqual([pino.levels.values.debug]);
  });
});
