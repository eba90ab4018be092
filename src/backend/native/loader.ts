// Loads the compiled addon through node-gyp-build (build/Release first, then prebuilds/<platform>).
// On failure it throws one error that lists what was tried and how to fix it on this platform.

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** The package root: this file sits at {src,dist}/backend/native/. */
export const packageRoot = fileURLToPath(new URL('../../../', import.meta.url));

export function loadAddon(): unknown {
  const load = require('node-gyp-build') as (dir: string) => unknown;
  try {
    return load(packageRoot);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new Error(
      [
        `nodegrad: no usable native addon for ${process.platform}-${process.arch} (Node ${process.version}, N-API ${process.versions.napi}).`,
        `  ${reason.split('\n')[0]}`,
        'Possible solutions:',
        '  - build it from source: `npm rebuild nodegrad` (needs python3, make and a C++20 compiler)',
        '  - or run without it: NODEGRAD_BACKEND=reference (same results, much slower)',
      ].join('\n'),
      { cause: e },
    );
  }
}
