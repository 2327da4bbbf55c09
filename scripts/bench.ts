/**
 * `npm run bench -- <name> [args]` runs bench/<name>.ts in its own process (a benchmark that measures
 * RSS must not share a heap with another); with no name it lists the benchmarks and what they measure.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { gcFlags } from '../src/gc-policy';

const benchDir = fileURLToPath(new URL('../bench', import.meta.url));

/** Benchmarks are the top-level .ts files of bench/ (bench/support holds their shared helpers). */
function listBenches(dir: string = benchDir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => e.name.slice(0, -'.ts'.length))
    .sort();
}

/** The first sentence of a file's leading doc comment, as a one-line description. */
function summaryOf(source: string): string {
  const doc = /^\s*\/\*\*([\s\S]*?)\*\//.exec(source)?.[1] ?? '';
  const text = doc
    .split('\n')
    .map((l) => l.replace(/^\s*\*\s?/, '').trim())
    .join(' ')
    .trim();
  const sentence = /^(.*?\.)(\s|$)/.exec(text)?.[1] ?? text;
  return sentence.length > 110 ? `${sentence.slice(0, 107)}...` : sentence;
}

function printList(): void {
  console.log('usage: npm run bench -- <name> [args]\n');
  for (const name of listBenches()) console.log(`  ${name.padEnd(16)} ${summaryOf(readFileSync(join(benchDir, `${name}.ts`), 'utf8'))}`);
}

const [name, ...args] = process.argv.slice(2);
if (!name || name === '--help' || name === '-h') {
  printList();
} else {
  const file = join(benchDir, `${name}.ts`);
  if (!/^[\w-]+$/.test(name) || !existsSync(file)) {
    console.error(`no benchmark named ${JSON.stringify(name)}\n`);
    printList();
    process.exit(2);
  }
  // tsx as an import hook keeps the child on this same Node binary (Node 24 under npm run); the
  // product's GC policy (src/gc-policy.ts) applies to every benchmark, as it does to `tandem`.
  const child = spawn(process.execPath, [...gcFlags, '--import', 'tsx', file, ...args], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
