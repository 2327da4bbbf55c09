/** Exchange (on-premises EWS) provider: the factory for the registry, Autodiscover for the connect form. */
export { exchangeProviderFactory, createExchangeProvider, type ExchangeProvider, type ExchangeProviderOptions } from './exchange-provider';
export { discoverEwsUrl, defaultAutodiscoverUrls, type AutodiscoverOptions } from './autodiscover';
export { mapEwsError, type EwsFailure } from './map-ews-error';
export { EwsPull, type PullPoll } from './ews-pull';
