/** Admin: every account's sync health and resync; email domain authentication records and live checks. */
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../api/api-context';
import { useWrite } from '../api/use-write';
import { domainCheckSchema, domainsSchema, syncHealthSchema, type SyncHealthItem } from '../api/schemas';

export const syncHealthKey = ['admin', 'sync-health'] as const;
export const domainsKey = ['admin', 'domains'] as const;
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
