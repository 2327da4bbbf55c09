/** Every repository bound to one drizzle handle (the database, or one transaction). */
import type { Orm } from '../db';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Repos {}

export function createRepos(_orm: Orm): Repos {
  return {};
}
