/** Captured mail that matched no contact, and filing it to contacts. */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useApi } from '../api/api-context';
import { useWrite } from '../api/use-write';
import { query } from '../api/client';
import { activityPageSchema } from '../api/schemas';
import { activitiesKey } from '../contacts/contacts-api';

export const unmatchedKey = [...activitiesKey, 'unmatched'] as const;

export function useUnmatched() {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: unmatchedKey,
    initialPageParam: '',
    queryFn: ({ pageParam }) => api.get(`/api/activities/unmatched${query({ cursor: pageParam })}`, activityPageSchema),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useFileActivity() {
  return useWrite(
    (api, { activityId, contactIds }: { activityId: string; contactIds: string[] }) =>
      api.send('POST', `/api/activities/${encodeURIComponent(activityId)}/file`, { contactIds }),
    activitiesKey,
  );
}
