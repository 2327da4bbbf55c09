/**
 * HTML building blocks for the simulators' webmail page. Everything shown comes from seeded or
 * test-supplied mail that is hostile on purpose, so every dynamic value passes through `esc` (text
 * and attribute values alike) and every URL is built from encoded query parameters.
 */

/** Escapes text for both element content and quoted attribute values. */
export function esc(value: string | number): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A URL under the webmail base with its query encoded; still needs `esc` when put in an attribute. */
export function link(base: string, page: string, params: Record<string, string | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) query.set(k, v);
  const qs = query.toString();
  return `${base}/${page}${qs ? `?${qs}` : ''}`;
}

export function anchor(href: string, text: string, attrs = ''): string {
  return `<a href="${esc(href)}"${attrs}>${esc(text)}</a>`;
}

/**
 * No script may run and nothing may load from elsewhere: the pages have no script of their own, and
 * a tracking pixel or <script> that slipped through escaping would still be blocked.
 */
export const contentSecurityPolicy =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const style = `
body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b}
header{background:#234d20;color:#fff;padding:.6rem 1rem}
header a{color:#fff}
.layout{display:flex;gap:1.5rem;padding:1rem}
nav ul{list-style:none;padding:0;margin:0}
nav li{margin:.25rem 0}
[aria-current=page]{font-weight:bold}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
pre{white-space:pre-wrap;background:#f6f6f6;padding:.75rem}
.mark{display:inline-block;border:1px solid #555;border-radius:3px;padding:0 .3rem;margin-right:.25rem;font-size:.8rem}
[role=status]{background:#e7f4e4;padding:.5rem;margin-bottom:1rem}
`;

export function page(title: string, siteTitle: string, body: string, homeHref: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)} — ${esc(siteTitle)}</title>`,
    `<style>${style}</style></head><body>`,
    `<header><a href="${esc(homeHref)}">${esc(siteTitle)}</a> · webmail</header>`,
    body,
    '</body></html>',
  ].join('\n');
}

export function table(caption: string, headings: string[], rows: string[][], empty: string): string {
  if (!rows.length) return `<p>${esc(empty)}</p>`;
  const head = headings.map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  // Cells arrive already rendered (they may hold links and marks), built from escaped values.
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table><caption>${esc(caption)}</caption><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export function mark(text: string): string {
  return `<span class="mark">${esc(text)}</span>`;
}
