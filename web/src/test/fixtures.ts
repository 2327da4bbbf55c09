/** Small API answers shared by the web tests. */
import type { Me } from '../api/schemas';

export const me: Me = {
  user: { id: 'u-ann', email: 'ann@acme.test', name: 'Ann Agent', role: 'member' },
  company: { id: 'c-1', name: 'Acme Realty' },
  csrfToken: 'csrf-123',
};

export const adminMe: Me = { ...me, user: { ...me.user, role: 'admin' } };
