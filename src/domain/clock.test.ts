import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock';

describe('FakeClock', () => {
  it('moves only when told', () => {
    const c = new FakeClock('2026-01-01T00:00:00Z');
    expect(c.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    c.advance(90_000);
    expect(c.now().toISOString()).toBe('2026-01-01T00:01:30.000Z');
  });
});
