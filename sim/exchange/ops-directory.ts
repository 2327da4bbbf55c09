/**
 * GetFolder, CreateFolder and ResolveNames.
 *
 * ResolveNames tells a user mailbox (MailboxType Mailbox) from a distribution group (PublicDL), per
 * the MailboxType reference. EWS has no shared-mailbox flag (shared mailboxes also report Mailbox);
 * what an adapter can check is ownership: ResolveNames on the sign-in name returns the signing-in
 * account's own mailbox. The simulator models a shared mailbox's credentials as a delegate's
 * (a shared mailbox's own AD account is disabled), so that lookup yields the delegate's address,
 * not the shared address that was entered.
 */
import { SchemaError } from './calendar';
import { emailXml, folderXml } from './item-xml';
import type { Mailbox } from './model';
import { folderRefs, perItem, resolveFolderRef, type OpContext } from './request';
import { ok, type MessageResult } from './soap';
import { EwsError } from './store';
import { child, children, el, textOf, tx } from './xml';

export function getFolder(ctx: OpContext): MessageResult[] {
  return folderRefs(child(ctx.op, 'FolderIds')).map((ref) =>
    perItem(() => {
      const f = resolveFolderRef(ctx, ref);
      return ok(el('m:Folders', null, folderXml(ctx.mb, f, ctx.store.itemsIn(ctx.mb, f.id).length)));
    }),
  );
}

export function createFolder(ctx: OpContext): MessageResult[] {
  const parentRef = folderRefs(child(ctx.op, 'ParentFolderId'))[0];
  if (!parentRef) throw new SchemaError('ParentFolderId is required.');
  return children(child(ctx.op, 'Folders')).map((node) =>
    perItem(() => {
      const parent = resolveFolderRef(ctx, parentRef);
      const name = textOf(node, 'DisplayName');
      if (!name) throw new EwsError('ErrorInvalidOperation', 'DisplayName is required.');
      const cls = textOf(node, 'FolderClass') ?? (node.name === 'CalendarFolder' ? 'IPF.Appointment' : 'IPF.Note');
      const f = ctx.store.createFolder(ctx.mb, parent.id, name, cls === 'IPF.Appointment' ? 'IPF.Appointment' : 'IPF.Note');
      return ok(el('m:Folders', null, el(node.name === 'CalendarFolder' ? 't:CalendarFolder' : 't:Folder', null, el('t:FolderId', { Id: f.id, ChangeKey: f.changeKey }))));
    }),
  );
}

interface Candidate {
  name: string;
  email: string;
  type: 'Mailbox' | 'PublicDL';
}

function asCandidate(mb: Mailbox): Candidate {
  return { name: mb.displayName, email: mb.address, type: mb.kind === 'distribution_list' ? 'PublicDL' : 'Mailbox' };
}

/** The account behind a sign-in name: the mailbox itself, or for a shared mailbox the delegate who signs in. */
function accountFor(mb: Mailbox, signInName: string): Candidate {
  if (mb.kind !== 'shared') return asCandidate(mb);
  const sam = signInName.includes('\\') ? signInName.split('\\')[1] : signInName.split('@')[0];
  const domain = mb.address.split('@')[1] ?? '';
  const email = `${sam ?? 'delegate'}@${domain}`.toLowerCase();
  return { name: sam ?? email, email: email === mb.address ? `delegate.${email}` : email, type: 'Mailbox' };
}

function candidates(ctx: OpContext, entry: string): Candidate[] {
  const q = entry.replace(/^smtp:/i, '').trim().toLowerCase();
  if (!q) return [];
  const exact = ctx.store.byAddress(q);
  if (exact) return [asCandidate(exact)];
  const byLogin = ctx.store.byUsername(q);
  if (byLogin) return [accountFor(byLogin, q)];
  // Ambiguous name resolution: prefix of display name or of the address.
  return ctx.store.mailboxes.filter((m) => m.displayName.toLowerCase().startsWith(q) || m.address.startsWith(q)).map(asCandidate);
}

export function resolveNames(ctx: OpContext): MessageResult[] {
  const entry = textOf(ctx.op, 'UnresolvedEntry') ?? '';
  const full = ctx.op.attrs.ReturnFullContactData === 'true';
  return [
    perItem(() => {
      const found = candidates(ctx, entry).slice(0, 100);
      if (found.length === 0) throw new EwsError('ErrorNameResolutionNoResults', 'No results were found.');
      const set = el(
        'm:ResolutionSet',
        { TotalItemsInView: found.length, IncludesLastItemInRange: true },
        found.map((c) =>
          el(
            't:Resolution',
            null,
            emailXml('t:Mailbox', c.email, c.name, c.type),
            full &&
              el(
                't:Contact',
                null,
                tx('t:DisplayName', c.name),
                el('t:EmailAddresses', null, tx('t:Entry', `SMTP:${c.email}`, { Key: 'EmailAddress1' })),
                tx('t:ContactSource', 'ActiveDirectory'),
              ),
          ),
        ),
      );
      if (found.length > 1) {
        return { code: 'ErrorNameResolutionMultipleResults', text: 'Multiple results were found.', warning: true, body: set };
      }
      return ok(set);
    }),
  ];
}
