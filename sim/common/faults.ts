/**
 * Fault injection and request accounting shared by every simulator. Each simulator asks
 * `faults.decide(...)` before handling a request and renders the fault in its own wire format
 * (Graph / Google / EWS error bodies); `counters` records requests and quota units so tests and
 * benchmarks can report provider cost per message.
 */
import { seededRandom, type Random } from './random';

export type FaultKind =
  | 'throttle' // 429 (Graph, Google) / ErrorServerBusy (EWS), with Retry-After / BackOffMilliseconds
  | 'unavailable' // 503
  | 'server_error' // 500
  | 'timeout' // hold the request, then drop the connection without an answer
  | 'reset' // destroy the socket at once, before doing anything
  | 'drop_after_accept'; // carry out the request, then destroy the socket: the client cannot know it worked

export interface FaultRule {
  kind: FaultKind;
  /** Only this mailbox (lower-case address); all mailboxes when absent. */
  mailbox?: string;
  /** Only requests whose operation name (e.g. "sendMail", "messages.get", "FindItem") or path contains this. */
  match?: string;
  /** Fire with this probability on each matching request. */
  rate?: number;
  /** Fire on the nth matching request (1-based) only. */
  nth?: number;
  /** Stop after firing this many times. */
  times?: number;
  /** For throttle: the Retry-After to announce, in seconds (default 1). */
  retryAfterSeconds?: number;
  /** For timeout: how long to hold before dropping (default 2000 ms). */
  holdMs?: number;
}

export interface FaultDecision {
  kind: FaultKind;
  retryAfterSeconds: number;
  holdMs: number;
}

interface ActiveRule {
  id: number;
  rule: FaultRule;
  seen: number;
  fired: number;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];
  private nextId = 1;
  private rnd: Random;

  constructor(seed = 1) {
    this.rnd = seededRandom(seed);
  }

  add(rule: FaultRule): number {
    const id = this.nextId++;
    this.rules.push({ id, rule, seen: 0, fired: 0 });
    return id;
  }

  remove(id: number): void {
    this.rules = this.rules.filter((r) => r.id !== id);
  }

  clear(): void {
    this.rules = [];
  }

  /** Faults fired so far by the current rules (a chaos test proves its faults really happened). */
  fired(): number {
    return this.rules.reduce((n, r) => n + r.fired, 0);
  }

  /** Called once per incoming request; returns the fault to apply, if any. */
  decide(mailbox: string | undefined, operation: string): FaultDecision | null {
    for (const active of this.rules) {
      const { rule } = active;
      if (rule.mailbox && rule.mailbox !== mailbox?.toLowerCase()) continue;
      if (rule.match && !operation.includes(rule.match)) continue;
      if (rule.times !== undefined && active.fired >= rule.times) continue;
      active.seen++;
      const fire = rule.nth !== undefined ? active.seen === rule.nth : this.rnd() < (rule.rate ?? 1);
      if (!fire) continue;
      active.fired++;
      return { kind: rule.kind, retryAfterSeconds: rule.retryAfterSeconds ?? 1, holdMs: rule.holdMs ?? 2000 };
    }
    return null;
  }
}

export interface CounterSnapshot {
  /** Requests per mailbox per operation. */
  requests: Record<string, Record<string, number>>;
  /** Google quota units per mailbox. */
  quotaUnits: Record<string, number>;
  total: number;
}

export class RequestCounters {
  private requests = new Map<string, Map<string, number>>();
  private units = new Map<string, number>();
  private total = 0;

  record(mailbox: string | undefined, operation: string, quotaUnits = 0): void {
    const key = mailbox?.toLowerCase() ?? '(none)';
    const ops = this.requests.get(key) ?? new Map<string, number>();
    ops.set(operation, (ops.get(operation) ?? 0) + 1);
    this.requests.set(key, ops);
    if (quotaUnits) this.units.set(key, (this.units.get(key) ?? 0) + quotaUnits);
    this.total++;
  }

  count(mailbox?: string, operation?: string): number {
    if (!mailbox) {
      if (!operation) return this.total;
      let n = 0;
      for (const ops of this.requests.values()) n += ops.get(operation) ?? 0;
      return n;
    }
    const ops = this.requests.get(mailbox.toLowerCase());
    if (!ops) return 0;
    if (operation) return ops.get(operation) ?? 0;
    let n = 0;
    for (const v of ops.values()) n += v;
    return n;
  }

  quotaUnits(mailbox: string): number {
    return this.units.get(mailbox.toLowerCase()) ?? 0;
  }

  snapshot(): CounterSnapshot {
    const requests: CounterSnapshot['requests'] = {};
    for (const [m, ops] of this.requests) requests[m] = Object.fromEntries(ops);
    return { requests, quotaUnits: Object.fromEntries(this.units), total: this.total };
  }

  reset(): void {
    this.requests.clear();
    this.units.clear();
    this.total = 0;
  }
}
