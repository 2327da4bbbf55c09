/**
 * Wraps a provider so its calendar calls fail at a rate, the ways providers fail: transient (5xx,
 * reset — nothing happened), throttled (429 with Retry-After — nothing happened), and ambiguous (the
 * provider carried the call out, then the answer was lost).
 */
import { ProviderError } from '../../src/providers/errors';
import type { CalendarAbility, Provider } from '../../src/providers/provider';

export interface FaultPlan {
  random: () => number;
  /** Probability that a call fails at all. */
  rate: number;
  enabled: boolean;
  counts: { transient: number; throttled: number; ambiguous: number };
}

export function faultPlan(random: () => number, rate: number): FaultPlan {
  return { random, rate, enabled: true, counts: { transient: 0, throttled: 0, ambiguous: 0 } };
}

async function withFaults<T>(plan: FaultPlan, call: () => Promise<T>): Promise<T> {
  if (!plan.enabled || plan.random() >= plan.rate) return call();
  const roll = plan.random();
  if (roll < 0.4) {
    plan.counts.transient++;
    throw new ProviderError('transient', 'injected: 503', { status: 503 });
  }
  if (roll < 0.6) {
    plan.counts.throttled++;
    throw new ProviderError('throttled', 'injected: 429', { status: 429, retryAfterMs: 30_000 });
  }
  await call();
  plan.counts.ambiguous++;
  throw new ProviderError('transient', 'injected: timeout after the provider accepted', { ambiguous: true });
}

export function withCalendarFaults(provider: Provider, plan: FaultPlan): Provider {
  const cal = provider.calendar;
  if (!cal) return provider;
  const find = cal.findByTandemId?.bind(cal);
  const calendar: CalendarAbility = {
    fetchChanges: (cursor, window) => withFaults(plan, () => cal.fetchChanges(cursor, window)),
    createEvent: (input) => withFaults(plan, () => cal.createEvent(input)),
    updateEvent: (id, etag, input) => withFaults(plan, () => cal.updateEvent(id, etag, input)),
    deleteEvent: (id, etag) => withFaults(plan, () => cal.deleteEvent(id, etag)),
    ...(find ? { findByTandemId: (id: string, window: Parameters<typeof find>[1]) => withFaults(plan, () => find(id, window)) } : {}),
  };
  return { kind: provider.kind, identity: () => provider.identity(), calendar };
}
