export function ContactsPage(_props: { contactId?: string }) { return null; }
