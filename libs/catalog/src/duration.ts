/** The longest duration accepted anywhere: it must fit the `integer` column that stores it. */
const MAX_SECONDS = 2 ** 31 - 1;

const UNIT_SECONDS = { w: 604_800, d: 86_400, h: 3600, m: 60, s: 1 } as const;

// Years and months have no fixed length, so ISO 8601 durations are limited to weeks, days and time.
const ISO_8601 = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i;
const SHORTHAND = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/i;

/** How a duration is written, for error messages. */
export const DURATION_FORMAT = 'an ISO 8601 duration such as PT2H or PT90S, or a shorthand such as 90s, 15m, 2h';

/**
 * Parses an ISO 8601 duration (`PT2H`, `P1DT30M`) or a shorthand (`90s`, `15m`, `2h`, `1h30m`)
 * into whole seconds; undefined when the text is neither or the duration is zero or too long.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  const iso = ISO_8601.exec(trimmed);
  if (iso) return total([iso[1], iso[2], iso[3], iso[4], iso[5]], ['w', 'd', 'h', 'm', 's']);
  const short = SHORTHAND.exec(trimmed);
  if (short) return total([short[1], short[2], short[3], short[4]], ['d', 'h', 'm', 's']);
  return undefined;
}

function total(parts: (string | undefined)[], units: (keyof typeof UNIT_SECONDS)[]): number | undefined {
  const seconds = parts.reduce((sum, part, i) => sum + (part === undefined ? 0 : Number(part) * UNIT_SECONDS[units[i]]), 0);
  return seconds > 0 && seconds <= MAX_SECONDS ? seconds : undefined;
}
