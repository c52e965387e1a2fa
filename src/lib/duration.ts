/** Durations as operators write them: `45s`, `90m`, `12h`, `30d`, `2w`. One parser for every edge. */

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** The accepted syntax, for JSON Schemas and help texts. */
export const DURATION_PATTERN = '^[1-9][0-9]{0,5}[smhdw]$';
const DURATION = new RegExp(DURATION_PATTERN);

/** Milliseconds, or null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const value = text.trim();
  if (!DURATION.test(value)) return null;
  return Number(value.slice(0, -1)) * UNIT_MS[value.slice(-1)]!;
}
