import { z } from 'zod';

/** LOG_FORMAT as `npm start` accepts it; unset means "pretty in a terminal, JSON otherwise". */
export const logFormatSetting = z.enum(['pretty', 'json']).optional();

/** How the supervisor writes its own and its children's log lines. */
export type LogFormat = 'pretty' | 'json';

/** JSON lines unless a person is watching: a pipe or a file (CI, a log collector, a test) gets what machines parse. */
export function chooseLogFormat(setting: z.infer<typeof logFormatSetting>, stdoutIsTerminal: boolean): LogFormat {
  return setting ?? (stdoutIsTerminal ? 'pretty' : 'json');
}
