/** Queries and mutations of User Settings → Sync and calendar sharing. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../api/api-context';
import { nextStepSchema, sharesSchema, syncSettingsSchema, type CalendarPrivacy, type Provider } from '../api/schemas';

export const syncSettingsKey = ['settings', 'sync'] as const;
export const sharesKey = ['calendar-shares'] as const;

export interface SyncSettingsInput {
  syncEmail: boolean;
  syncCalendar: boolean;
  syncCaptureFolder: boolean;
  calendarPrivacy: CalendarPrivacy;
  provider: Provider | null;
  exchange?: { email: string; username: string; password: string; ewsUrl?: string };
}

export function useSyncSettings() {
  const api = useApi();
  return useQuery({ queryKey: syncSettingsKey, queryFn: () => api.get('/api/settings/sync', syncSettingsSchema) });
}

/** Save, Reconnect: both answer with the next step of the provider's flow. */
export function useSaveSyncSettings() {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: SyncSettingsInput) => (await api.send('PUT', '/api/settings/sync', input, nextStepSchema)).next,
    onSuccess: () => qc.invalidateQueries({ queryKey: syncSettingsKey }),
  });
}

export function useReconnect() {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async () => (await api.send('POST', '/api/settings/sync/reconnect', {}, nextStepSchema)).next,
    onSuccess: () => qc.invalidateQueries({ queryKey: syncSettingsKey }),
  });
}

function useAccountAction(path: string) {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.send('POST', path, {}),
    onSuccess: () => qc.invalidateQueries({ queryKey: syncSettingsKey }),
  });
}

export const useDisconnect = () => useAccountAction('/api/settings/sync/disconnect');
export const useSyncNow = () => useAccountAction('/api/settings/sync/sync-now');

export function useShares() {
  const api = useApi();
  return useQuery({ queryKey: sharesKey, queryFn: async () => (await api.get('/api/calendar-shares', sharesSchema)).items });
}

export function useShareChange() {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, shared }: { userId: string; shared: boolean }) =>
      api.send(shared ? 'PUT' : 'DELETE', `/api/calendar-shares/${encodeURIComponent(userId)}`, shared ? {} : undefined),
    onSuccess: () => qc.invalidateQueries({ queryKey: sharesKey }),
  });
}
