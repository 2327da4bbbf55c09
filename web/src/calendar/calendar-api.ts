/** Appointments in a date range for a set of calendars, and the writes on Tandem appointments. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useApi } from '../api/api-context';
import { useWrite } from '../api/use-write';
import { query } from '../api/client';
import { appointmentViewSchema, appointmentViewsSchema } from '../api/schemas';

export const appointmentsKey = ['appointments'] as const;

export interface Range {
  from: string;
  to: string;
}

export function useAppointments(range: Range | null, userIds: string[]) {
  const api = useApi();
  const users = [...userIds].sort().join(',');
  return useQuery({
    queryKey: [...appointmentsKey, range?.from, range?.to, users],
    queryFn: async () => (await api.get(`/api/appointments${query({ from: range?.from, to: range?.to, users })}`, appointmentViewsSchema)).items,
    enabled: range !== null && users.length > 0,
    // Keep the previous week on screen while the next one loads, instead of flashing empty.
    placeholderData: keepPreviousData,
  });
}

export interface AppointmentInput {
  subject: string;
  location?: string;
  bodyText?: string;
  startLocal: string;
  endLocal: string;
  timeZone: string;
  allDay: boolean;
  sensitivity: 'normal' | 'private';
  attendees: { email: string }[];
  /** A colleague's calendar (create only); the caller's own when absent. */
  ownerUserId?: string;
}

export function useSaveAppointment() {
  return useWrite(
    (api, { id, input }: { id: string | null; input: AppointmentInput }) =>
      // Both answer with the appointment as the caller sees it (an AppointmentView).
      id ? api.send('PATCH', `/api/appointments/${encodeURIComponent(id)}`, input, appointmentViewSchema) : api.send('POST', '/api/appointments', input, appointmentViewSchema),
    appointmentsKey,
  );
}

export function useDeleteAppointment() {
  return useWrite((api, id: string) => api.send('DELETE', `/api/appointments/${encodeURIComponent(id)}`), appointmentsKey);
}
