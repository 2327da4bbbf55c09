/**
 * drizzle-kit configuration. Migrations live in src/store/migrations and are applied at start-up by
 * `migrate(db)` (src/store/migrate.ts).
 *
 * To add a migration after changing src/store/schema/*.ts:
 *   npx drizzle-kit generate --config src/store/drizzle.config.ts --name <what_changed>
 * Review the generated SQL; hand-edit it only for what drizzle-kit cannot express, and say so in a
 * comment in the .sql file. Never edit a migration that has been committed; add a new one instead
 * (`npx drizzle-kit generate --custom --config src/store/drizzle.config.ts --name <x>` gives an empty file).
 */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/schema/index.ts',
  out: './src/store/migrations',
  strict: true,
});
