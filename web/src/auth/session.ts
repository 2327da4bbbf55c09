/** The signed-in user, read from GET /api/me; null when signed out. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../api/api-context';
import { ApiRequestError } from '../api/client';
import { meSchema, type Me } from '../api/schemas';

export const meKey = ['me'] as const;

export function useMe() {
  const api = useApi();
  return useQuery({
    queryKey: meKey,
    queryFn: async (): Promise<Me | null> => {
      try {
        const me = await api.get('/api/me', meSchema);
        api.setCsrfToken(me.csrfToken);
        return me;
      } catch (e) {
        if (e instanceof ApiRequestError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: Infinity,
  });
}


export function useSignIn() {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; password: string }) => api.send('POST', '/api/session', body, meSchema),
    onSuccess(me) {
      api.setCsrfToken(me.csrfToken);
      qc.setQueryData(meKey, me);
    },
  });
}

export function useSignOut() {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.send('DELETE', '/api/session'),
    onSettled() {
      api.setCsrfToken(null);
      // Signed-out first so the shell unmounts, then drop the previous user's cached data.
      qc.setQueryData(meKey, null);
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== meKey[0] });
    },
  });
}
