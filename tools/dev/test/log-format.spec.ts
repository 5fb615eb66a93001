import { chooseLogFormat, logFormatSetting } from '../log-format.js';

describe('the log format of npm start', () => {
  it('is pretty in a terminal and JSON lines when stdout is a pipe or a file', () => {
    expect(chooseLogFormat(undefined, true)).toBe('pretty');
    expect(chooseLogFormat(undefined, false)).toBe('json');
  });

  it('follows LOG_FORMAT whatever stdout is', () => {
    expect(chooseLogFormat('json', true)).toBe('json');
    expect(chooseLogFormat('pretty', false)).toBe('pretty');
  });

  it('rejects a LOG_FORMAT it does not know, naming the choices', () => {
    const result = logFormatSetting.safeParse('yaml');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/pretty.*json/);
  });
});
