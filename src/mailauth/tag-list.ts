/**
 * The tag=value list syntax shared by DKIM key records and DMARC records (RFC 6376 3.2, used by
 * RFC 7489 6.3). Tag names are case-sensitive there; a duplicated tag makes the whole list invalid.
 */
export interface TagList {
  /** Tag names in the order written. */
  order: string[];
  tags: Map<string, string>;
  /** Syntax problems in plain words; empty when the list is valid. */
  problems: string[];
}

export function parseTagList(text: string): TagList {
  const order: string[] = [];
  const tags = new Map<string, string>();
  const problems: string[] = [];
  for (const part of text.split(';')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) {
      problems.push(`"${item}" is not a tag=value pair`);
      continue;
    }
    const name = item.slice(0, eq).trim();
    // Folding whitespace inside values is allowed and not significant for base64 (RFC 6376 3.2).
    const value = item.slice(eq + 1).trim();
    if (tags.has(name)) problems.push(`the tag ${name}= appears twice`);
    order.push(name);
    tags.set(name, value);
  }
  return { order, tags, problems };
}
