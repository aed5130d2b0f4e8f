import { readFileSync } from 'node:fs';

/** The fenced code blocks of a Markdown file, with their info string. */
export function codeBlocks(file: string): Array<{ lang: string; code: string }> {
  const blocks: Array<{ lang: string; code: string }> = [];
  const re = /^```(\w*)\n([\s\S]*?)^```$/gm;
  const text = readFileSync(file, 'utf8');
  for (let m = re.exec(text); m; m = re.exec(text)) blocks.push({ lang: m[1]!, code: m[2]! });
  return blocks;
}

/** The one block whose first line is `firstLine` (e.g. `// service.mjs`), verbatim. */
export function blockStartingWith(file: string, firstLine: string): string {
  const found = codeBlocks(file).filter((b) => b.code.startsWith(`${firstLine}\n`));
  if (found.length !== 1) throw new Error(`${file} has ${found.length} code blocks starting with "${firstLine}"`);
  return found[0]!.code;
}

/** The packages of the README's `npm install ...` line. */
export function installedPackages(file: string): string[] {
  const line = codeBlocks(file)
    .flatMap((b) => b.code.split('\n'))
    .find((l) => l.startsWith('npm install '));
  if (!line) throw new Error(`${file} has no npm install line`);
  return line.slice('npm install '.length).trim().split(/\s+/);
}

/** The JSON bodies of the README's `curl ... -d '...'` commands (continued lines joined). */
export function curlBodies(file: string): unknown[] {
  const text = codeBlocks(file)
    .filter((b) => b.lang === 'sh')
    .map((b) => b.code.replace(/\\\n\s*/g, ''))
    .join('\n');
  return [...text.matchAll(/^curl .* -d '([^']*)'/gm)].map((m) => JSON.parse(m[1]!));
}
