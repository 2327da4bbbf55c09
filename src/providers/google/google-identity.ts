/**
 * Who the connected account is: Gmail's users.getProfile (1 quota unit) names the mailbox address;
 * the OpenID userinfo endpoint gives the stable subject id and display name. A Google account behind
 * OAuth is always the user's own mailbox (Gmail has no shared mailboxes reachable this way).
 */
import { z } from 'zod';
import { ProviderError } from '../errors';
import type { MailboxIdentity } from '../provider';
import type { GoogleClient } from './google-client';
import { googleErrorFields, mapGoogleError, mapGoogleTransportError } from './map-google-error';

const userinfoSchema = z.object({ sub: z.string(), email: z.string().optional(), name: z.string().optional() });

async function userinfo(client: GoogleClient): Promise<z.infer<typeof userinfoSchema> | undefined> {
  let res: Response;
  let body: unknown;
  try {
    res = await client.fetch(client.urls.userinfo, { headers: { authorization: `Bearer ${client.accessToken}` }, signal: client.requestSignal() });
    body = res.headers.get('content-type')?.includes('json') ? ((await res.json()) as unknown) : undefined;
  } catch (e) {
    throw mapGoogleTransportError(e, { idempotent: true });
  }
  if (!res.ok) {
    const error = mapGoogleError({ status: res.status, ...googleErrorFields(body), retryAfter: res.headers.get('retry-after'), now: client.clock.now() });
    // Without the openid scope the address alone identifies the account.
    if (error.kind === 'permission') return undefined;
    throw error;
  }
  const parsed = userinfoSchema.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}

export async function googleIdentity(client: GoogleClient): Promise<MailboxIdentity> {
  const profile = await client.call(() => client.gmail.users.getProfile({ userId: 'me' }));
  if (!profile.emailAddress) throw new ProviderError('permanent', 'Gmail profile without an address', { code: 'no_address' });
  const info = await userinfo(client);
  return {
    providerUserId: info?.sub ?? profile.emailAddress.toLowerCase(),
    address: profile.emailAddress,
    ...(info?.name ? { displayName: info.name } : {}),
    type: 'user',
  };
}
