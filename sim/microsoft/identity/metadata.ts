/**
 * OpenID configuration and instance discovery, shaped like Entra's, plus what msal-node needs to run
 * against the simulator. msal-common refuses non-https authorities (UrlString.validateAsUri throws
 * `authorityUriInsecure`), so MSAL is given an https authority on a placeholder host, offline
 * metadata for it (`authorityMetadata`, `cloudDiscoveryMetadata`, `knownAuthorities`), and a custom
 * `system.networkClient` (msal-node's documented INetworkModule hook) that sends the calls for that
 * host to the simulator's http URL. node_modules stays untouched.
 */
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import type { FetchLike } from '../../../src/providers/provider';

/** Placeholder https host MSAL is pointed at; the network client maps it onto the simulator. */
export const simAuthorityHost = 'login.microsoftonline.sim';

export function openIdConfiguration(origin: string, tenant: string): Record<string, unknown> {
  const base = `${origin}/${tenant}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${origin}/${tenant}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${origin}/${tenant === 'common' || tenant === 'organizations' ? '{tenantid}' : tenant}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'oid'],
    tenant_region_scope: null,
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

export function instanceDiscovery(origin: string): Record<string, unknown> {
  const host = new URL(origin).host;
  return {
    tenant_discovery_endpoint: `${origin}/{tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}

export interface MsalSimAuth {
  authority: string;
  knownAuthorities: string[];
  authorityMetadata: string;
  cloudDiscoveryMetadata: string;
}

/** The `auth` settings (besides clientId / secret) that point msal-node at the simulator. */
export function msalAuthOptions(tenant: string): MsalSimAuth {
  const origin = `https://${simAuthorityHost}`;
  return {
    authority: `${origin}/${tenant}`,
    knownAuthorities: [simAuthorityHost],
    authorityMetadata: JSON.stringify(openIdConfiguration(origin, tenant)),
    cloudDiscoveryMetadata: JSON.stringify(instanceDiscovery(origin)),
  };
}

/** Rewrites https://login.microsoftonline.sim/… to the simulator's own http URL. */
export function toSimUrl(url: string, simUrl: string): string {
  const u = new URL(url);
  if (u.host !== simAuthorityHost) return url;
  return `${simUrl}${u.pathname}${u.search}${u.hash}`;
}

/** An msal-node INetworkModule over fetch that reaches the simulator instead of the placeholder host. */
export function msalNetworkClient(simUrl: string, fetchImpl: FetchLike = fetch): INetworkModule {
  const send = async <T>(method: string, url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
    const res = await fetchImpl(toSimUrl(url, simUrl), { method, headers: options?.headers, body: options?.body });
    const text = await res.text();
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      headers[k] = v;
    });
    return { status: res.status, headers, body: (text ? JSON.parse(text) : {}) as T };
  };
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>('GET', url, options),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>('POST', url, options),
  };
}
