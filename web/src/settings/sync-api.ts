/** Queries and mutations of User Settings → Sync and calendar sharing. */
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../api/api-context';
import { useWrite } from '../api/use-write';
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
  imap?: {
    email: string;
    username: string;
    password: string;
    imap: { host: string; port: number; secure: boolean };
    smtp: { host: string; port: number; secure: boolean };
    caldavUrl?: string;
  };
}

export function useSyncSettings() {
  const api = useApi();
  return useQuery({ queryKey: syncSettingsKey, queryFn: () => api.get('/api/settings/sync', syncSettingsSchema) });
}

/** Save, Reconnect: both answer with the next step of the provider's flow. */
export function useSaveSyncSettings() {
  return useWrite(async (api, input: SyncSettingsInput) => (await api.send('PUT', '/api/settings/sync', input, nextStepSchema)).next, syncSettingsKey);
}

export function useReconnect() {
  return useWrite(async (api, _: void) => (await api.send('POST', '/api/settings/sync/reconnect', {}, nextStepSchema)).next, syncSettingsKey);
}

function useAccountAction(path: string) {
  return useWrite((api, _: void) => api.send('POST', path, {}), syncSettingsKey);
}

export const useDisconnect = () => useAccountAction('/api/settings/sync/disconnect');
export const useSyncNow = () => useAccountAction('/api/settings/sync/sync-now');

export function useShares() {
  const api = useApi();
  return useQuery({ queryKey: sharesKey, queryFn: async () => (await api.get('/api/calendar-shares', sharesSchema)).items });
}

export function useShareChange() {
  return useWrite(
    (api, { userId, shared }: { userId: string; shared: boolean }) =>
      api.send(shared ? 'PUT' : 'DELETE', `/api/calendar-shares/${encodeURIComponent(userId)}`, shared ? {} : undefined),
    sharesKey,
  );
}
