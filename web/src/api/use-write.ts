/** A write to the API that, once it succeeds, marks the queries it changed as stale. */
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useApi } from './api-context';
import type { ApiClient } from './client';

export function useWrite<V, R>(write: (api: ApiClient, vars: V) => Promise<R>, invalidates: QueryKey) {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (vars: V) => write(api, vars),
    onSuccess: () => qc.invalidateQueries({ queryKey: invalidates }),
  });
}
