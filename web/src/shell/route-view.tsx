import { Loader, Text } from '@mantine/core';
import { lazy, Suspense, useEffect, type ComponentType, type ReactNode } from 'react';
import { useSignedIn } from '../auth/signed-in';
import { ContactPage } from '../contacts/contact-page';
import { ContactsPage } from '../contacts/contacts-page';
import { matchPath, navigate, usePathname } from '../router';
import { SyncSettingsPage } from '../settings/sync-settings-page';
import { UnmatchedPage } from '../unmatched/unmatched-page';

// The calendar library and the admin screens are loaded when first opened, keeping the first load small.
const CalendarPage = lazy(() => import('../calendar/calendar-page').then((m) => ({ default: m.CalendarPage })));
const SyncHealthPage = lazy(() => import('../admin/sync-health-page').then((m) => ({ default: m.SyncHealthPage })));
const DomainsPage = lazy(() => import('../admin/domains-page').then((m) => ({ default: m.DomainsPage })));
const RelayPage = lazy(() => import('../admin/relay-page').then((m) => ({ default: m.RelayPage })));

const adminPages: Partial<Record<string, ComponentType>> = {
  '/admin/sync-health': SyncHealthPage,
  '/admin/domains': DomainsPage,
  '/admin/relay': RelayPage,
};

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loader aria-label="Loading page" />}>{children}</Suspense>;
}

export function RouteView() {
  const path = usePathname();
  const me = useSignedIn();
  const isAdmin = me.user.role === 'admin';

  useEffect(() => {
    if (path === '/' || path === '') navigate('/contacts', { replace: true });
  }, [path]);

  const AdminPage = isAdmin ? adminPages[path] : undefined;
  if (AdminPage) {
    return (
      <Lazy>
        <AdminPage />
      </Lazy>
    );
  }
  const contact = matchPath('/contacts/:id', path);
  if (contact?.id) return <ContactPage contactId={contact.id} />;
  switch (path) {
    case '/':
    case '/contacts':
      return <ContactsPage />;
    case '/calendar':
      return (
        <Lazy>
          <CalendarPage />
        </Lazy>
      );
    case '/unmatched':
      return <UnmatchedPage />;
    case '/settings':
    case '/settings/sync':
      return <SyncSettingsPage />;
  }
  return <Text role="alert">This page does not exist.</Text>;
}
