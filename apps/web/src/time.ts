/** Dates and durations for people: always in their own time zone, and always saying which one. */

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'long' });
const durationFormat = new Intl.DurationFormat(undefined, { style: 'long' });

/** A moment, with its time zone: "30 Nov 2026, 10:02:11 CET". */
export function formatTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

/** The person's time zone, as the browser knows it ("Europe/Berlin"). */
export const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** A span of seconds in words ("1 hour, 30 minutes"), to the second only when under a minute is left. */
export function formatSeconds(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  if (seconds === 0) return durationFormat.format({ seconds: 0 });
  return durationFormat.format({ hours, minutes, seconds: hours === 0 && minutes < 5 ? rest : 0 });
}
