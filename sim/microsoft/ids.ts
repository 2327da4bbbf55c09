/**
 * Deterministic ids for the simulator. Graph ids are opaque base64-like strings that start with
 * "AA" (e.g. "AAMkAGI2…="); we keep that look so adapters that sanity-check ids behave as in production.
 */
import type { Random } from '../common/random';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Ids the simulator hands out match this; anything else is "malformed" (400 ErrorInvalidIdMalformed). */
const wellFormed = /^AA[A-Za-z0-9_-]{8,}=*$/;

export function isWellFormedGraphId(id: string): boolean {
  return wellFormed.test(id);
}

export class IdFactory {
  constructor(private readonly rnd: Random) {}

  chars(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.rnd() * alphabet.length)];
    return out;
  }

  /** A Graph-looking item id; `kind` distinguishes messages (AAMk), events (AAMk too in Graph) etc. */
  graphId(prefix = 'AAMkAG'): string {
    return `${prefix}${this.chars(38)}=`;
  }

  guid(): string {
    const hex = () => Math.floor(this.rnd() * 16).toString(16);
    const part = (n: number) => Array.from({ length: n }, hex).join('');
    return `${part(8)}-${part(4)}-4${part(3)}-a${part(3)}-${part(12)}`;
  }

  changeKey(): string {
    return `CQAAAB${this.chars(26)}`;
  }

  /** Opaque secrets (codes, tokens): long enough to be unguessable in tests. */
  secret(prefix: string): string {
    return `${prefix}${this.chars(48)}`;
  }
}
