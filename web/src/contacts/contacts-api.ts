/** Queries and mutations for contacts, their activities, Regarding and outgoing mail. */
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useApi } from '../api/api-context';
import { useWrite } from '../api/use-write';
import { toAttachments } from './attachment-files';
import { query } from '../api/client';
import {
  activityPageSchema,
  activitySchema,
  contactListSchema,
  contactSchema,
  regardingSearchSchema,
  type Activity,
  type Address,
  type Regarding,
  type RegardingType,
} from '../api/schemas';

export const CONTACT_PAGE = 50;
export const SEARCH_DEBOUNCE_MS = 250;
export const ACTIVITY_PAGE = 20;
/** How often the Activities tab re-reads while a sent mail is still queued, to show sent / failed. */
export const QUEUED_POLL_MS = 5000;

export const contactsKey = ['contacts'] as const;
export const activitiesKey = ['activities'] as const;

export function useContacts(q: string) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: [...contactsKey, 'list', q],
    initialPageParam: '',
    queryFn: async ({ pageParam }) => (await api.get(`/api/contacts${query({ q, limit: CONTACT_PAGE, after: pageParam })}`, contactListSchema)).items,
    // Search answers one ranked page; the alphabetical list pages by the last id seen.
    getNextPageParam: (last) => (!q && last.length === CONTACT_PAGE ? last[last.length - 1]?.id : undefined),
    // Keep the current rows while the next search answers, rather than flashing an empty list per keystroke.
    placeholderData: keepPreviousData,
  });
}

export function useContact(id: string) {
  const api = useApi();
  return useQuery({ queryKey: [...contactsKey, 'one', id], queryFn: () => api.get(`/api/contacts/${encodeURIComponent(id)}`, contactSchema) });
}

export interface NewContact {
  name: string;
  companyName?: string;
  phone?: string;
  emails: string[];
}

export function useCreateContact() {
  return useWrite((api, body: NewContact) => api.send('POST', '/api/contacts', body, contactSchema), contactsKey);
}

const hasQueued = (items: Activity[]) => items.some((a) => a.status === 'queued');

export function useActivities(contactId: string) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: [...activitiesKey, 'contact', contactId],
    initialPageParam: '',
    queryFn: ({ pageParam }) =>
      api.get(`/api/contacts/${encodeURIComponent(contactId)}/activities${query({ limit: ACTIVITY_PAGE, cursor: pageParam })}`, activityPageSchema),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: (q) => (hasQueued(q.state.data?.pages.flatMap((p) => p.items) ?? []) ? QUEUED_POLL_MS : false),
  });
}

export function useSetRegarding() {
  return useWrite(async (api, { activityId, regarding }: { activityId: string; regarding: Regarding | null }) => {
    const path = `/api/activities/${encodeURIComponent(activityId)}/regarding`;
    if (regarding) await api.send('PUT', path, { type: regarding.type, id: regarding.id });
    else await api.send('DELETE', path);
  }, activitiesKey);
}

export function useRegardingSearch(q: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['regarding', q],
    queryFn: async () => (await api.get(`/api/regarding/search${query({ q })}`, regardingSearchSchema)).items,
    enabled: q.trim().length > 0,
  });
}

export interface OutgoingAttachment {
  filename: string;
  contentType: string;
  contentBase64: string;
}

export interface OutgoingEmail {
  to: Address[];
  cc?: Address[];
  subject: string;
  text: string;
  regarding?: { type: RegardingType; id: string };
  attachments?: OutgoingAttachment[];
}

/** Picked files are read and encoded as part of the send, so the button shows progress for both. */
export function useSendEmail() {
  return useWrite(async (api, { email, files }: { email: OutgoingEmail; files: File[] }) => {
    const body: OutgoingEmail = files.length ? { ...email, attachments: await toAttachments(files) } : email;
    return api.send('POST', '/api/emails', body, activitySchema);
  }, activitiesKey);
}
