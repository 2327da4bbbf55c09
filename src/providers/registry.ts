/**
 * Every provider kind maps to its adapter here. Adapters register as they land; a kind without one
 * is refused at connect time with a clear error (ProviderAccess.factory).
 */
import type { ProviderFactory, ProviderKind } from './provider';
import { exchangeProviderFactory } from './exchange';
import { googleProviderFactory } from './google';
import { imapProviderFactory } from './imap/imap-provider';
import { microsoftProviderFactory } from './microsoft';

export const providerFactories: Partial<Record<ProviderKind, ProviderFactory>> = {
  exchange: exchangeProviderFactory,
  google: googleProviderFactory,
  imap: imapProviderFactory,
  microsoft: microsoftProviderFactory,
};
