const UNITS = [
  ['h', 3600],
  ['m', 60],
  ['s', 1],
] as const;

/**
 * A duration as people and the intake API write it, largest units first: 5400 → `1h30m`,
 * 90 → `1m30s`, 20 → `20s`, 86400 → `24h`. The one way a duration reads, in Jira, Slack and errors.
 */
export function formatDuration(seconds: number): string {
  let rest = Math.max(0, Math.round(seconds));
  let text = '';
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  return text || '0s';
}
