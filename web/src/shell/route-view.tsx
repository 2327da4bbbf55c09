import { Text } from '@mantine/core';
import { useEffect } from 'react';
import { DomainsPage } from '../admin/domains-page';
import { SyncHealthPage } from '../admin/sync-health-page';
import { useSignedIn } from '../auth/signed-in';
import { CalendarPage } from '../calendar/calendar-page';
import { ContactPage } from '../contacts/contact-page';
import { ContactsPage } from '../contacts/contacts-page';
import { matchPath, navigate, usePathname } from '../router';
import { SyncSettingsPage } from '../settings/sync-settings-page';
import { UnmatchedPage } from '../unmatched/unmatched-page';

export function RouteView() {
  const path = usePathname();
  const me = useSignedIn();
  const isAdmin = me.user.role === 'admin';

  useEffect(() => {
    if (path === '/' || path === '') navigate('/contacts', { replace: true });
  }, [path]);

  const contact = matchPath('/contacts/:id', path);
  if (contact?.id) return <ContactPage contactId={contact.id} />;
  switch (path) {
    case '/':
    case '/contacts':
      return <ContactsPage />;
    case '/calendar':
      return <CalendarPage />;
    case '/unmatched':
      return <UnmatchedPage />;
    case '/settings':
    case '/settings/sync':
      return <SyncSettingsPage />;
    case '/admin/sync-health':
      if (isAdmin) return <SyncHealthPage />;
      break;
    case '/admin/domains':
      if (isAdmin) return <DomainsPage />;
      break;
  }
  return <Text role="alert">This page does not exist.</Text>;
}
