export function SyncHealthPage(_props: { contactId?: string }) { return null; }
