/**
 * What msal-node needs to run on our terms: offline authority metadata (so it never calls the
 * internet for discovery — `authorityMetadata` / `cloudDiscoveryMetadata` options), and an
 * INetworkModule (msal-node's documented `system.networkClient` hook) over the injected fetch.
 * msal-common refuses non-https authorities, so an http authority host (the simulator) is given to
 * MSAL as a placeholder https host that the network module maps back. The module also keeps the last
 * token-endpoint answer so errors are mapped from the wire (error, error_codes, suberror, status).
 */
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import type { FetchLike } from '../provider';

/** Stands in for an http authority host inside MSAL; never resolved. */
const placeholderHost = 'login.microsoftonline.tandem-local';

export interface MsalAuthority {
  authority: string;
  knownAuthorities: string[];
  authorityMetadata: string;
  cloudDiscoveryMetadata: string;
  /** Maps a URL MSAL calls onto the configured host. */
  toWire(url: string): string;
}

/** Builds MSAL's authority settings for `{host}/{tenant}` with offline metadata. */
export function msalAuthority(authorityHost: string, tenant: string): MsalAuthority {
  const configured = new URL(authorityHost);
  const https = configured.protocol === 'https:';
  const msalOrigin = https ? configured.origin : `https://${placeholderHost}`;
  const host = new URL(msalOrigin).host;
  const base = `${msalOrigin}/${tenant}`;
  const issuerTenant = tenant === 'common' || tenant === 'organizations' || tenant === 'consumers' ? '{tenantid}' : tenant;
  const metadata = {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    jwks_uri: `${msalOrigin}/${tenant}/discovery/v2.0/keys`,
    issuer: `${msalOrigin}/${issuerTenant}/v2.0`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    response_modes_supported: ['query', 'fragment', 'form_post'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
  };
  const discovery = {
    tenant_discovery_endpoint: `${msalOrigin}/{tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
  return {
    authority: base,
    knownAuthorities: [host],
    authorityMetadata: JSON.stringify(metadata),
    cloudDiscoveryMetadata: JSON.stringify(discovery),
    toWire: (url) => {
      if (https) return url;
      const u = new URL(url);
      return u.host === placeholderHost ? `${configured.origin}${u.pathname}${u.search}` : url;
    },
  };
}

export interface WireRecord {
  /** Last HTTP answer from the identity platform. */
  answer?: { status: number; body: unknown; retryAfter: string | null };
  /** A failure without an answer (reset, DNS, timeout). */
  transportError?: unknown;
}

/** An INetworkModule over fetch that records what the wire said for error mapping. */
export function msalNetworkModule(fetchImpl: FetchLike, toWire: (url: string) => string, record: WireRecord, timeoutMs = 30_000): INetworkModule {
  const send = async <T>(method: string, url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
    let res: Response;
    let text: string;
    try {
      res = await fetchImpl(toWire(url), { method, headers: options?.headers, body: options?.body, signal: AbortSignal.timeout(timeoutMs) });
      text = await res.text();
    } catch (e) {
      record.transportError = e;
      throw e;
    }
    let body: unknown;
    try {
      body = text ? (JSON.parse(text) as unknown) : {};
    } catch {
      body = {};
    }
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      headers[k] = v;
    });
    record.answer = { status: res.status, body, retryAfter: res.headers.get('retry-after') };
    return { status: res.status, headers, body: body as T };
  };
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>('GET', url, options),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>('POST', url, options),
  };
}
