/** The signed-in frame: header with the user and company, navigation, sign out. */
import { AppShell, Burger, Button, Group, NavLink, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { useSignOut } from '../auth/session';
import { useSignedIn } from '../auth/signed-in';
import { linkProps, usePathname } from '../router';

interface NavItem {
  to: string;
  label: string;
  adminOnly?: boolean;
}

export const navItems: NavItem[] = [
  { to: '/contacts', label: 'Contacts' },
  { to: '/calendar', label: 'Calendar' },
  { to: '/unmatched', label: 'Unmatched mail' },
  { to: '/settings/sync', label: 'Settings' },
  { to: '/admin/sync-health', label: 'Sync health', adminOnly: true },
  { to: '/admin/domains', label: 'Email domains', adminOnly: true },
  { to: '/admin/relay', label: 'SMTP relay', adminOnly: true },
];

export function AppLayout({ children }: { children: ReactNode }) {
  const me = useSignedIn();
  const signOut = useSignOut();
  const path = usePathname();
  const [opened, { toggle }] = useDisclosure();
  const items = navItems.filter((i) => !i.adminOnly || me.user.role === 'admin');

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group>
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Title order={2} size="h4">
              Tandem
            </Title>
            <Text c="dimmed" size="sm" data-testid="company-name">
              {me.company.name}
            </Text>
          </Group>
          <Group>
            <Text size="sm" aria-label="Signed in as">
              {me.user.name} ({me.user.email})
            </Text>
            <Button variant="subtle" size="xs" onClick={() => signOut.mutate()} loading={signOut.isPending}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Main">
        {items.map((item) => (
          <NavLink
            key={item.to}
            component="a"
            label={item.label}
            active={path.startsWith(item.to)}
            aria-current={path.startsWith(item.to) ? 'page' : undefined}
            {...linkProps(item.to)}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
