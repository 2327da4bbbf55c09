/**
 * The calendar sync window: what Tandem mirrors from (and to) the provider. Defaults follow the
 * product rule of 10 days back and 60 days ahead; companies may configure other spans.
 */
export interface SyncWindowConfig {
  daysBack: number;
  daysAhead: number;
}

export const defaultSyncWindow: SyncWindowConfig = { daysBack: 10, daysAhead: 60 };

export interface SyncWindow {
  start: Date;
  end: Date;
}

const DAY_MS = 86_400_000;

/**
 * The window around `now`, with both bounds at UTC midnight: providers bake the window into their
 * delta / sync tokens (Graph calendarView delta), so it must not drift with every run — it moves
 * once a day, and a moved window means a new initial sync.
 */
export function syncWindow(now: Date, config: SyncWindowConfig = defaultSyncWindow): SyncWindow {
  if (!(config.daysBack >= 0 && config.daysAhead > 0) || !Number.isInteger(config.daysBack) || !Number.isInteger(config.daysAhead)) {
    throw new RangeError(`Invalid sync window: ${config.daysBack} days back, ${config.daysAhead} ahead`);
  }
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  return { start: new Date(today - config.daysBack * DAY_MS), end: new Date(today + (config.daysAhead + 1) * DAY_MS) };
}

export function sameWindow(a: SyncWindow, b: SyncWindow): boolean {
  return a.start.getTime() === b.start.getTime() && a.end.getTime() === b.end.getTime();
}

export function inWindow(window: SyncWindow, startAt: Date, endAt: Date): boolean {
  return startAt.getTime() < window.end.getTime() && endAt.getTime() > window.start.getTime();
}
