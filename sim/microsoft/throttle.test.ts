import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/domain/clock';
import { MailboxThrottle } from './throttle';

describe('MailboxThrottle', () => {
  it('admits 10,000 requests per sliding 10 minutes and names the wait', () => {
    const clock = new FakeClock('2026-11-02T09:00:00Z');
    const t = new MailboxThrottle(clock);
    for (let i = 0; i < 10_000; i++) {
      const a = t.admit('a@x.example');
      if (!a.ok) throw new Error(`refused at ${i}`);
      a.release();
      if (i === 4_999) clock.advance(5 * 60_000);
    }
    const over = t.admit('a@x.example');
    expect(over).toMatchObject({ ok: false, retryAfterSeconds: 300, message: 'Application is over its MailboxRequests limit.' });
    expect(t.admit('b@x.example').ok).toBe(true);
    clock.advance(5 * 60_000);
    expect(t.admit('a@x.example').ok).toBe(true);
  });

  it('refuses the fifth concurrent request until one finishes', () => {
    const t = new MailboxThrottle(new FakeClock());
    const held = Array.from({ length: 4 }, () => t.admit('a@x.example'));
    expect(held.every((h) => h.ok)).toBe(true);
    expect(t.admit('a@x.example')).toMatchObject({ ok: false, retryAfterSeconds: 1 });
    const first = held[0];
    if (first?.ok) first.release();
    expect(t.admit('a@x.example').ok).toBe(true);
  });
});
