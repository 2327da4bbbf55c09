/** Users of a company, their passwords, and the pre-auth sign-in lookups and failure counters. */
import { and, asc, eq, lt, sql } from 'drizzle-orm';
import type { Orm } from '../db';
import { signInAttempts, users, type CalendarPrivacy, type UserRole } from '../schema';
import { guard, notFound, scoped, type Scope } from './common';
import { hashPassword, verifyPassword } from './password';

export type UserRow = typeof users.$inferSelect;
/** A user as the rest of the system sees it: never the password hash. */
export type User = Omit<UserRow, 'passwordHash'>;

export interface NewUser {
  email: string;
  name: string;
  role?: UserRole;
  password?: string;
  calendarPrivacy?: CalendarPrivacy;
  timezone?: string;
}

export type UserPatch = Partial<Pick<UserRow, 'name' | 'role' | 'calendarPrivacy' | 'timezone' | 'email'>>;

const publicColumns = {
  id: users.id,
  companyId: users.companyId,
  email: users.email,
  name: users.name,
  role: users.role,
  calendarPrivacy: users.calendarPrivacy,
  timezone: users.timezone,
  createdAt: users.createdAt,
};

export interface SignInAttempt {
  failures: number;
  lastFailedAt: Date;
  lockedUntil: Date | null;
}

export class UsersRepo {
  constructor(private readonly orm: Orm) {}

  async create(scope: Scope, input: NewUser): Promise<User> {
    const { password, ...rest } = input;
    const passwordHash = password === undefined ? null : await hashPassword(password);
    return guard('user', async () => {
      const [row] = await this.orm
        .insert(users)
        .values({ ...rest, email: rest.email.trim(), companyId: scope.companyId, passwordHash })
        .returning(publicColumns);
      if (!row) throw new Error('insert returned no row');
      return row;
    });
  }

  async get(scope: Scope, id: string): Promise<User | undefined> {
    const [row] = await this.orm.select(publicColumns).from(users).where(scoped(users.companyId, scope, users.id, id));
    return row;
  }

  async list(scope: Scope): Promise<User[]> {
    return this.orm.select(publicColumns).from(users).where(scoped(users.companyId, scope)).orderBy(asc(users.name));
  }

  async findByEmail(scope: Scope, email: string): Promise<User | undefined> {
    const [row] = await this.orm
      .select(publicColumns)
      .from(users)
      .where(and(scoped(users.companyId, scope), eq(sql`lower(${users.email})`, email.trim().toLowerCase())));
    return row;
  }

  async update(scope: Scope, id: string, patch: UserPatch): Promise<User> {
    return guard('user', async () => {
      const [row] = await this.orm.update(users).set(patch).where(scoped(users.companyId, scope, users.id, id)).returning(publicColumns);
      if (!row) throw notFound('user', id);
      return row;
    });
  }

  async setPassword(scope: Scope, id: string, password: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    const done = await this.orm.update(users).set({ passwordHash }).where(scoped(users.companyId, scope, users.id, id)).returning({ id: users.id });
    if (done.length === 0) throw notFound('user', id);
  }

  /**
   * System (pre-auth): the user an address and password sign in as. The same address may exist in
   * several companies; each candidate is checked, so the password picks the account.
   */
  async verifySignInForSystem(email: string, password: string): Promise<User | undefined> {
    const rows = await this.orm
      .select()
      .from(users)
      .where(eq(sql`lower(${users.email})`, email.trim().toLowerCase()));
    let match: User | undefined;
    // Verify against every candidate (and a dummy when there is none) so timing does not reveal which addresses exist.
    const candidates = rows.length > 0 ? rows : [{ passwordHash: dummyHash } as UserRow];
    for (const row of candidates) {
      if ((await verifyPassword(password, row.passwordHash)) && row.id && !match) {
        const { passwordHash: _hidden, ...user } = row;
        match = user;
      }
    }
    return match;
  }

  // ---- sign-in failures (pre-auth, keyed by lower(email) + ip)

  async signInAttemptForSystem(email: string, ip: string): Promise<SignInAttempt | undefined> {
    const [row] = await this.orm
      .select({ failures: signInAttempts.failures, lastFailedAt: signInAttempts.lastFailedAt, lockedUntil: signInAttempts.lockedUntil })
      .from(signInAttempts)
      .where(and(eq(signInAttempts.email, email.trim().toLowerCase()), eq(signInAttempts.ip, ip)));
    return row;
  }

  /** Counts a failure; `lockFor` (computed by the caller's policy from the new count) sets locked_until. */
  async recordSignInFailureForSystem(email: string, ip: string, now: Date, lockFor?: (failures: number) => number): Promise<SignInAttempt> {
    const key = email.trim().toLowerCase();
    const [row] = await this.orm
      .insert(signInAttempts)
      .values({ email: key, ip, failures: 1, firstFailedAt: now, lastFailedAt: now })
      .onConflictDoUpdate({
        target: [signInAttempts.email, signInAttempts.ip],
        set: { failures: sql`${signInAttempts.failures} + 1`, lastFailedAt: now },
      })
      .returning();
    if (!row) throw new Error('upsert returned no row');
    const ms = lockFor?.(row.failures) ?? 0;
    const lockedUntil = ms > 0 ? new Date(now.getTime() + ms) : null;
    if (lockedUntil) await this.orm.update(signInAttempts).set({ lockedUntil }).where(and(eq(signInAttempts.email, key), eq(signInAttempts.ip, ip)));
    return { failures: row.failures, lastFailedAt: row.lastFailedAt, lockedUntil };
  }

  async clearSignInFailuresForSystem(email: string, ip: string): Promise<void> {
    await this.orm.delete(signInAttempts).where(and(eq(signInAttempts.email, email.trim().toLowerCase()), eq(signInAttempts.ip, ip)));
  }

  async pruneSignInAttemptsForSystem(before: Date): Promise<number> {
    const gone = await this.orm.delete(signInAttempts).where(lt(signInAttempts.lastFailedAt, before)).returning({ ip: signInAttempts.ip });
    return gone.length;
  }
}

/** A valid hash of a random password, verified when no user matches (constant-ish work per attempt). */
const dummyHash = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
