/** Google (Gmail + Calendar) provider: the factory for the registry, plus the sign-in and push helpers the API uses. */
export { googleProviderFactory, createGoogleProviderFactory, createGoogleProvider, type GoogleProviderOptions } from './google-provider';
export { createGoogleOAuth, googleApiScopes, googleOidcScopes, type GoogleOAuth } from './google-oauth';
export { parseGmailPush, parseCalendarChannelHeaders, type GmailPush, type CalendarChannelNotification, type CalendarResourceState } from './google-notifications';
export { mapGoogleError, mapGoogleTransportError, googleErrorFields } from './map-google-error';
export { googleUrls, defaultGmailRootUrl, defaultCalendarRootUrl, defaultGoogleOAuthBaseUrl } from './google-endpoints';
export { tandemIdProperty, eventIdFor } from './calendar-mapping';
