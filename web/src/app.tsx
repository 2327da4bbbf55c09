/** The app root: providers, the sign-in gate and the route table. */
import { Center, Loader, MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { ApiProvider } from './api/api-context';
import { ApiRequestError, createApiClient, type FetchLike } from './api/client';
import { meKey, useMe } from './auth/session';
import { SignInPage } from './auth/sign-in-page';
import { SignedIn } from './auth/signed-in';
import { AppLayout } from './shell/app-layout';
import { RouteView } from './shell/route-view';
import { ErrorAlert } from './ui/errors';

export interface AppProps {
  /** Injected in tests; the browser's fetch otherwise. */
  fetch?: FetchLike;
  /** 'test' turns off Mantine's transitions and portals so component tests see the final state at once. */
  mantineEnv?: 'default' | 'test';
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx answer will not change on retry (not found, forbidden, invalid); a network blip or 5xx might.
        retry: (failures, error) => failures < 1 && !(error instanceof ApiRequestError && error.status > 0 && error.status < 500),
        refetchOnWindowFocus: false,
      },
    },
  });
}

export function AppProviders({ fetch, mantineEnv, children }: AppProps & { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  const [client] = useState(() =>
    createApiClient({
      ...(fetch ? { fetch } : {}),
      // An expired session anywhere sends the user back to the sign-in page.
      onUnauthenticated: () => queryClient.setQueryData(meKey, null),
    }),
  );
  return (
    <MantineProvider env={mantineEnv ?? 'default'}>
      <QueryClientProvider client={queryClient}>
        <ApiProvider client={client}>{children}</ApiProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}

function Gate() {
  const me = useMe();
  if (me.isPending) {
    return (
      <Center mih="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (me.isError) return <ErrorAlert error={me.error} title="Tandem is not reachable" />;
  if (!me.data) return <SignInPage />;
  return (
    <SignedIn>
      <AppLayout>
        <RouteView />
      </AppLayout>
    </SignedIn>
  );
}

export function App(props: AppProps) {
  return (
    <AppProviders {...props}>
      <Gate />
    </AppProviders>
  );
}
