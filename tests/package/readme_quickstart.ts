// Reads the README's Quick start: the one ```ts block under "## Quick start", and the output its
// `// → text` comments promise. Used by tests/readme.test.ts (against src/) and tarball.test.ts
// (against the installed package).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const readmePath = fileURLToPath(new URL('../../README.md', import.meta.url));

export function quickStart(text = readFileSync(readmePath, 'utf8')): string {
  const section = text.split(/^## Quick start\s*$/m)[1];
  if (section === undefined) throw new Error('README has no "## Quick start" heading');
  const body = section.split(/^## /m)[0]!;
  const blocks = [...body.matchAll(/^```ts\n([\s\S]*?)^```\s*$/gm)];
  if (blocks.length !== 1) throw new Error(`"## Quick start" must hold exactly one \`\`\`ts block, found ${blocks.length}`);
  return blocks[0]![1]!;
}

/** The lines the code says it prints (`// → ...` comments, in order). */
export function promisedOutput(code: string): string[] {
  return [...code.matchAll(/^\s*\/\/ → (.*)$/gm)].map((m) => m[1]!.trimEnd());
}
