/** Parsers for option values, each failing with a message that names the option. */
import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../../lib/duration.js';

/** `30d`, `12h`, `90m`, `2w`, `45s`. */
export function parseDurationOption(value: string): number {
  const ms = parseDuration(value);
  if (ms === null) throw new InvalidArgumentError('expected a duration such as 30d, 12h, 90m or 2w');
  return ms;
}

export function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new InvalidArgumentError('expected a whole number from 1 to 10000');
  return n;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535');
  return n;
}
