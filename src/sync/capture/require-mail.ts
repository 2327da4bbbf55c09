/** Capture and send both need the provider's mail ability; a provider without one fails permanently. */
import { ProviderError } from '../../providers/errors';
import type { MailAbility, Provider } from '../../providers/provider';

export function requireMail(provider: Provider | undefined): MailAbility {
  if (!provider?.mail) throw new ProviderError('permanent', `${provider?.kind ?? 'provider'}: no mail ability`, { code: 'no_mail_ability' });
  return provider.mail;
}
