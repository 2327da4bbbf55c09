/**
 * The ctag + etag fallback for servers without RFC 6578 sync-collection, as a pure step: compare the
 * server's href → ETag map with the one the cursor remembers.
 */
export interface EtagDiff {
  added: string[];
  changed: string[];
  removed: string[];
}

export function diffHrefEtags(server: Record<string, string>, ours: Record<string, string>): EtagDiff {
  const added: string[] = [];
  const changed: string[] = [];
  for (const [href, etag] of Object.entries(server)) {
    const known = ours[href];
    if (known === undefined) added.push(href);
    else if (known !== etag) changed.push(href);
  }
  const removed = Object.keys(ours).filter((href) => server[href] === undefined);
  return { added: added.sort(), changed: changed.sort(), removed: removed.sort() };
}
