/** The company's users (colleagues), for calendars and sharing. */
import { useQuery } from '@tanstack/react-query';
import { useApi } from './api-context';
import { colleaguesSchema } from './schemas';

export const colleaguesKey = ['users'] as const;

export function useColleagues() {
  const api = useApi();
  return useQuery({ queryKey: colleaguesKey, queryFn: async () => (await api.get('/api/users', colleaguesSchema)).items, staleTime: 60_000 });
}
