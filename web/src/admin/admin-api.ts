/** Admin: every account's sync health and resync; email domain authentication records and live checks. */
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../api/api-context';
import { useWrite } from '../api/use-write';
import { relayAnswerSchema, relayTestSchema, type RelayTls } from '../api/relay-schemas';
import { domainCheckSchema, domainSchema, domainsSchema, syncHealthSchema, type SyncHealthItem } from '../api/schemas';

export const syncHealthKey = ['admin', 'sync-health'] as const;
export const domainsKey = ['admin', 'domains'] as const;
export const relayKey = ['admin', 'relay'] as const;
/** While a resync runs, the table re-reads this often to show its progress. */
export const RESYNC_POLL_MS = 2000;

export function useSyncHealth(polling: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: syncHealthKey,
    queryFn: async () => (await api.get('/api/admin/sync-health', syncHealthSchema)).items,
    refetchInterval: polling ? RESYNC_POLL_MS : false,
  });
}

export function useResync() {
  return useWrite((api, accountId: string) => api.send('POST', `/api/admin/accounts/${encodeURIComponent(accountId)}/resync`, {}), syncHealthKey);
}

/** A resync asked for at `since` is finished once a run that started after it has finished. */
export function resyncFinished(item: SyncHealthItem, since: string): boolean {
  const run = item.runs.find((r) => r.startedAt >= since);
  return item.status !== 'syncing' && run !== undefined && run.finishedAt !== null;
}

export function useDomains() {
  const api = useApi();
  return useQuery({ queryKey: domainsKey, queryFn: async () => (await api.get('/api/admin/domains', domainsSchema)).items });
}

export function useCheckDomain() {
  return useWrite((api, domainId: string) => api.send('POST', `/api/admin/domains/${encodeURIComponent(domainId)}/check`, {}, domainCheckSchema), domainsKey);
}

export interface NewDomain {
  domain: string;
  dmarcReportAddress: string;
  spfInclude?: string;
}

export function useAddDomain() {
  return useWrite((api, body: NewDomain) => api.send('POST', '/api/admin/domains', body, domainSchema), domainsKey);
}

export function useRelay() {
  const api = useApi();
  return useQuery({ queryKey: relayKey, queryFn: async () => (await api.get('/api/admin/relay', relayAnswerSchema)).relay });
}

export interface RelayInput {
  host: string;
  port: number;
  tls: RelayTls;
  username?: string;
  /** Absent keeps the stored password; null removes it. */
  password?: string | null;
}

export function useSaveRelay() {
  return useWrite((api, body: RelayInput) => api.send('PUT', '/api/admin/relay', body), relayKey);
}

export function useRelayTest() {
  return useWrite((api, to: string) => api.send('POST', '/api/admin/relay/test', { to }, relayTestSchema), relayKey);
}
