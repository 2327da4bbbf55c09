/**
 * Email HTML made safe to store and to show inside the CRM. Run before storage and again before
 * display (the output is a fixed point, so the second pass changes nothing): no scripts, event
 * handlers, javascript: URLs, forms, frames or embedded objects; remote images — the usual tracking
 * pixels — are replaced by a placeholder; cid: inline images stay as references the UI resolves to
 * the stored attachment; styles are limited to a small list of harmless properties with no url().
 */
import sanitizeHtml from 'sanitize-html';

export const REMOTE_IMAGE_CLASS = 'tandem-remote-image';

export interface SanitizeResult {
  html: string;
  /** Remote images replaced by a placeholder (for a "show images" affordance). */
  blockedImages: number;
}

// sanitize-html looks tags up with indexOf on every tag and text node, so the common ones come first.
const allowedTags = [
  'p', 'br', 'div', 'span', 'a', 'td', 'tr', 'table', 'tbody', 'img', 'blockquote', 'font', 'b', 'strong', 'i', 'em', 'u', 'li', 'ul', 'ol',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'pre', 'code', 'small', 'center', 'th', 'thead', 'tfoot', 'caption', 'col', 'colgroup',
  'abbr', 'cite', 'dd', 'del', 'dl', 'dt', 'ins', 'kbd', 'mark', 'q', 's', 'strike', 'sub', 'sup',
];

const cell = ['align', 'valign', 'width', 'height', 'colspan', 'rowspan', 'bgcolor'];

const allowedAttributes: sanitizeHtml.IOptions['allowedAttributes'] = {
  '*': ['style', 'title', 'dir', 'lang'],
  a: ['href', 'name', 'target', 'rel'],
  img: ['src', 'alt', 'width', 'height'],
  font: ['color', 'size', 'face'],
  table: ['width', 'border', 'cellpadding', 'cellspacing', 'align', 'bgcolor'],
  td: cell,
  th: cell,
  tr: ['align', 'valign', 'bgcolor'],
  col: ['width', 'span'],
  colgroup: ['width', 'span'],
  ol: ['start', 'type'],
  span: ['class'],
};

// Values are matched whole; nothing with "(" gets through, so no url(), expression() or var().
const COLOR = [/^#[0-9a-f]{3,8}$/i, /^[a-z]+$/i, /^rgba?\([\d\s.,%]+\)$/i];
const LENGTH = [/^-?[\d.]+(px|em|rem|%|pt)?(\s+-?[\d.]+(px|em|rem|%|pt)?){0,3}$/i, /^auto$/i];
const WORDS = [/^[a-z\s,'"-]+$/i];

const allowedStyles: sanitizeHtml.IOptions['allowedStyles'] = {
  '*': {
    color: COLOR,
    'background-color': COLOR,
    'font-family': WORDS,
    'font-size': [...LENGTH, /^(small|medium|large|x-large|smaller|larger)$/i],
    'font-weight': [/^(normal|bold|bolder|lighter|\d{3})$/i],
    'font-style': [/^(normal|italic|oblique)$/i],
    'text-align': [/^(left|right|center|justify)$/i],
    'text-decoration': [/^(none|underline|line-through|overline)$/i],
    'line-height': LENGTH,
    'vertical-align': [/^(top|middle|bottom|baseline)$/i],
    margin: LENGTH,
    padding: LENGTH,
    border: [/^[\d.]+(px)?\s+(solid|dashed|dotted|none)(\s+(#[0-9a-f]{3,8}|[a-z]+))?$/i, /^none$/i],
    'border-collapse': [/^(collapse|separate)$/i],
    width: LENGTH,
    height: LENGTH,
    'max-width': LENGTH,
  },
};

const SAFE_LINK = /^(https?:\/\/|mailto:|tel:|#)/i;

/** Drop the content of these, not just the tags (sanitize-html keeps inner text by default). */
const DROP_WITH_CONTENT = ['script', 'style', 'textarea', 'noscript', 'title', 'head', 'iframe', 'object', 'embed', 'form', 'select', 'button', 'svg', 'math'];

/** Allowed image sources: cid: (inline part of this message) and small raster data: URIs. */
function keepImage(src: string): boolean {
  const s = src.trim().toLowerCase();
  return s.startsWith('cid:') || /^data:image\/(png|gif|jpeg|webp);base64,/.test(s);
}

// Counted by the img transform below; sanitizeHtml runs synchronously, so one counter serves every call.
let blockedImages = 0;

// Built once: sanitize-html copies its options on every call anyway.
const emailOptions: sanitizeHtml.IOptions = {
  allowedTags,
  allowedAttributes,
  allowedStyles,
  allowedClasses: { span: [REMOTE_IMAGE_CLASS] },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowedSchemesByTag: { img: ['cid', 'data'] },
  allowProtocolRelative: false,
  nonTextTags: DROP_WITH_CONTENT,
  transformTags: {
    img: (tagName, attribs) => {
      if (keepImage(attribs.src ?? '')) return { tagName, attribs };
      // Remote (or unknown-scheme) image: loading it would tell the sender the mail was read.
      blockedImages++;
      const alt = (attribs.alt ?? '').trim();
      return { tagName: 'span', attribs: { class: REMOTE_IMAGE_CLASS, title: alt || 'Remote image blocked' }, text: alt ? `[${alt}]` : '[image]' };
    },
    a: (tagName, attribs) => {
      // Decide on the href here (not only via allowedSchemes) so target/rel match what survives
      // and a second pass gives the same output.
      const { href, target: _target, ...rest } = attribs;
      const next: Record<string, string> = { ...rest, rel: 'noopener noreferrer nofollow' };
      if (href && SAFE_LINK.test(href.trim())) Object.assign(next, { href, target: '_blank' });
      return { tagName, attribs: next };
    },
  },
};

export function sanitizeEmailHtml(html: string): SanitizeResult {
  blockedImages = 0;
  const out = sanitizeHtml(html, emailOptions);
  return { html: out, blockedImages };
}

/** Plain text of an HTML body, for messages that carry no text part (search, previews). */
export function htmlToPlainText(html: string): string {
  const text = sanitizeHtml(html.replace(/<(br|\/p|\/div|\/tr|\/li|\/h\d)\b[^>]*>/gi, '$&\n'), { allowedTags: [], allowedAttributes: {}, nonTextTags: DROP_WITH_CONTENT });
  return text
    .replace(/&nbsp;|\u00a0/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n\s*\n+/g, '\n\n')
    .trim();
}
