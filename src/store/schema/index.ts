/** The whole schema, for drizzle (typed handle) and drizzle-kit (migrations). */
export * from './auth';
export * from './crm';
export * from './accounts';
export * from './activities';
export * from './blobs';
export * from './calendar';
export * from './sync';
export * from './outbox';
export * from './mailauth';
