export function DomainsPage(_props: { contactId?: string }) { return null; }
