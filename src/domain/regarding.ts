/**
 * Regarding: what an activity or appointment is about. It points to exactly one opportunity,
 * property or work ticket, or is empty. The store enforces the same with a CHECK constraint; this
 * is the shape the API validates against before it gets there.
 */
export const regardingTypes = ['opportunity', 'property', 'work_ticket'] as const;
export type RegardingType = (typeof regardingTypes)[number];

export interface Regarding {
  type: RegardingType;
  id: string;
}

export class RegardingError extends Error {
  override name = 'RegardingError';
  readonly code = 'invalid_regarding';
}

export function isRegardingType(value: unknown): value is RegardingType {
  return typeof value === 'string' && (regardingTypes as readonly string[]).includes(value);
}

export function isRegarding(value: unknown): value is Regarding {
  if (typeof value !== 'object' || value === null) return false;
  const keys = Object.keys(value);
  if (keys.length !== 2 || !keys.includes('type') || !keys.includes('id')) return false;
  const { type, id } = value as { type: unknown; id: unknown };
  return isRegardingType(type) && typeof id === 'string' && id.trim() !== '';
}

/**
 * Validates API input. Accepts `null` (clear Regarding) or one target; refuses several targets,
 * unknown types (e.g. a contact or an activity) and empty ids, naming what is wrong.
 */
export function parseRegarding(value: unknown): Regarding | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) throw new RegardingError('Regarding points to exactly one opportunity, property or work ticket');
  if (typeof value !== 'object') throw new RegardingError('Regarding must be an object { type, id } or null');
  const { type, id, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw new RegardingError(`Regarding has unexpected fields: ${Object.keys(rest).join(', ')}`);
  if (!isRegardingType(type)) throw new RegardingError(`Regarding type must be one of ${regardingTypes.join(', ')}`);
  if (typeof id !== 'string' || id.trim() === '') throw new RegardingError('Regarding id is required');
  return { type, id: id.trim() };
}

/** The store keeps `regarding_type` + `regarding_id`: both set or both null. */
export interface RegardingColumns {
  regardingType: string | null;
  regardingId: string | null;
}

export function regardingToColumns(regarding: Regarding | null): RegardingColumns {
  return { regardingType: regarding?.type ?? null, regardingId: regarding?.id ?? null };
}

export function regardingFromColumns(cols: RegardingColumns): Regarding | null {
  if (cols.regardingType === null && cols.regardingId === null) return null;
  return parseRegarding({ type: cols.regardingType, id: cols.regardingId });
}
