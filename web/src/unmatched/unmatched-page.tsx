export function UnmatchedPage(_props: { contactId?: string }) { return null; }
