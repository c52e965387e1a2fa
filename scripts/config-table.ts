/**
 * Prints the README's configuration table from the config schema. `npm test` checks that README.md
 * holds exactly this table between its markers; regenerate it with `npm run docs:config`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { settings } from '../src/config/index.js';

export const BEGIN = '<!-- config-table:begin -->';
export const END = '<!-- config-table:end -->';

export function configTable(): string {
  const rows = settings().map((s) => {
    const type = s.values ? s.values.map((v) => `\`${v}\``).join(' \\| ') : s.kind;
    const fallback = s.defaultValue === undefined ? '' : `\`${String(s.defaultValue)}\``;
    return `| \`${s.path.join('.')}\` | \`${s.env}\` | ${type} | ${fallback} | ${s.description} |`;
  });
  return ['| key | environment | type | default | meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}

if (process.argv[2] === '--write') {
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < 0) throw new Error('README.md has no config-table markers');
  writeFileSync('README.md', `${readme.slice(0, start + BEGIN.length)}\n${configTable()}\n${readme.slice(end)}`);
}
