/** `--name <number>` from the benchmark's command line, or the fallback; anything below `min` is refused. */
export function numberArg(name: string, fallback: number, min = 0): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value < min) throw new Error(`--${name} needs a number >= ${min}`);
  return value;
}
