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

/**
 * What the build records about itself in dist/.build.json: every input (the sources, tsconfig.json and
 * the build script) with its size and modification time. The build is current while they are all the
 * same: an edit, a file copied in with an older time, one added or one removed all make it stale.
 */
export function stampFor(root, sources) {
  const inputs = [...sources, ...INPUTS.map((name) => join(root, name))];
  return {
    inputs: inputs.map((file) => {
      const { size, mtimeMs } = statSync(file);
      return [relative(root, file), size, mtimeMs];
    }),
  };
}

/**
 * The URL of dist/main/cli.js when the build there is current (made from its inputs as they are now),
 * and otherwise null.
 */
export function currentBuild(root) {
  try {
    const recorded = readFileSync(join(root, 'dist', STAMP), 'utf8');
    if (JSON.stringify(stampFor(root, sourceFiles(root))) !== recorded.trim()) return null;
  } catch {
    return null; // no build, or an input gone while looking
  }
  return pathToFileURL(join(root, 'dist', 'main', 'cli.js')).href;
}
