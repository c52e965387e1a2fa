// Which sources the JavaScript build in dist/ is made of, and whether it is current. Shared by
// scripts/build.mjs (which makes it) and bin/mcms (which runs it only when it is current, so that a
// checkout being edited never runs stale code). Plain JavaScript: it runs before tsx is loaded.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The files the build reads besides the sources: a change to either makes a different build. */
const INPUTS = ['tsconfig.json', 'scripts/build.mjs'];
export const STAMP = '.build.json';

/** Every TypeScript source of the product under `root`/src: no tests, no test fixtures. */
export function sourceFiles(root) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'fixtures') walk(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')) {
        files.push(path);
      }
    }
  };
  walk(join(root, 'src'));
  return files.sort();
}

/** The newest modification time among the sources and the build's other inputs. */
function newestInput(root, sources) {
  let newest = 0;
  for (const file of [...sources, ...INPUTS.map((name) => join(root, name))]) newest = Math.max(newest, statSync(file).mtimeMs);
  return newest;
}

/** What the build records about itself in dist/.build.json. */
export function stampFor(root, sources) {
  return { sources: sources.map((file) => relative(join(root, 'src'), file)), newestInput: newestInput(root, sources) };
}

/**
 * The URL of dist/main/cli.js when the build there is current — made from the same set of sources,
 * none of them (nor tsconfig.json, nor the build script) changed since — and otherwise null.
 */
export function currentBuild(root) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, 'dist', STAMP), 'utf8'));
  } catch {
    return null;
  }
  try {
    const sources = sourceFiles(root);
    const now = stampFor(root, sources);
    if (now.newestInput > stamp.newestInput || now.sources.join('\n') !== stamp.sources.join('\n')) return null;
  } catch {
    return null;
  }
  return pathToFileURL(join(root, 'dist', 'main', 'cli.js')).href;
}
