/** Microsoft 365 provider: the factory for the registry, plus the webhook and sign-in helpers the API uses. */
export { microsoftProviderFactory, createMicrosoftProvider, defaultGraphBaseUrl, type MicrosoftProviderOptions } from './microsoft-provider';
export { createMicrosoftOAuth, microsoftGraphScopes, microsoftOidcScopes, type MicrosoftOAuth, type MicrosoftOAuthOptions } from './microsoft-oauth';
export { parseGraphNotification, validationResponse, type GraphNotification, type ParsedNotifications, type ValidationAnswer } from './graph-notifications';
export { parseAuthorizeRedirect, mapTokenError } from './map-token-error';
export { mapGraphError, mapTransportError } from './map-graph-error';
export { tandemPropertyId } from './event-mapping';
export { maxSubscriptionMinutes } from './graph-push';
