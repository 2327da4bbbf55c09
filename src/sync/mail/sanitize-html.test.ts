import { describe, expect, it } from 'vitest';
import { hostileMessages } from '../../../sim/common/seed';
import { parseMessage } from './parse-message';
import { htmlToPlainText, REMOTE_IMAGE_CLASS, sanitizeEmailHtml } from './sanitize-html';

const clean = (html: string) => sanitizeEmailHtml(html).html;

describe('sanitizeEmailHtml removes active content', () => {
  it.each([
    ['script element', '<p>a</p><script>alert(1)</script>', '<p>a</p>'],
    ['script inside svg', '<svg onload="x()"><script>y()</script></svg><p>b</p>', '<p>b</p>'],
    ['event handler', '<b onclick="steal()" onmouseover="x">hi</b>', '<b>hi</b>'],
    ['javascript: link', '<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'],
    ['entity-obfuscated javascript: link', '<a href="JaVaScRiPt&#58;alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'],
    ['whitespace-obfuscated javascript: link', '<a href=" java\tscript:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'],
    ['data: link', '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'],
    ['iframe', '<iframe src="https://evil.example"></iframe>ok', 'ok'],
    ['form with inputs', '<form action="https://evil.example"><input name="p"><button>Go</button></form>ok', 'ok'],
    ['object / embed', '<object data="x.swf"></object><embed src="x.swf">ok', 'ok'],
    ['style element', '<style>body{background:url(https://t.example/p.gif)}</style>ok', 'ok'],
    ['base / meta refresh', '<base href="https://evil/"><meta http-equiv="refresh" content="0;url=https://evil">ok', 'ok'],
    ['inline url() style', '<p style="background-image:url(https://t.example/p.gif);color:red">x</p>', '<p style="color:red">x</p>'],
    ['css expression', '<div style="width: expression(alert(1))">z</div>', '<div>z</div>'],
    ['position tricks', '<div style="position:fixed;top:0;font-weight:bold">z</div>', '<div style="font-weight:bold">z</div>'],
    ['foreign class names', '<span class="admin-banner">z</span>', '<span>z</span>'],
  ])('%s', (_name, input, expected) => {
    expect(clean(input)).toBe(expected);
  });

  it('keeps safe links, opening them in a new tab without referrer', () => {
    expect(clean('<a href="https://ok.example/x">ok</a> <a href="mailto:a@b.example">m</a>')).toBe(
      '<a rel="noopener noreferrer nofollow" href="https://ok.example/x" target="_blank">ok</a> <a rel="noopener noreferrer nofollow" href="mailto:a@b.example" target="_blank">m</a>',
    );
  });
});

describe('images', () => {
  it('replaces remote images (tracking pixels) with a placeholder and counts them', () => {
    const r = sanitizeEmailHtml('<img src="https://track.example/p.gif?u=1" width="1" height="1"><img src="//cdn.example/banner.png" alt="Spring sale">');
    expect(r.blockedImages).toBe(2);
    expect(r.html).toBe(
      `<span class="${REMOTE_IMAGE_CLASS}" title="Remote image blocked">[image]</span><span class="${REMOTE_IMAGE_CLASS}" title="Spring sale">[Spring sale]</span>`,
    );
    expect(r.html).not.toContain('track.example');
  });

  it('keeps cid: inline images as references and small data: images', () => {
    const r = sanitizeEmailHtml('<img src="cid:img1@x.example" alt="logo" width="120"><img src="data:image/png;base64,iVBORw0KGgo=">');
    expect(r.blockedImages).toBe(0);
    expect(r.html).toBe('<img src="cid:img1@x.example" alt="logo" width="120" /><img src="data:image/png;base64,iVBORw0KGgo=" />');
  });

  it('refuses data: images that are not rasters (SVG can carry script)', () => {
    expect(sanitizeEmailHtml('<img src="data:image/svg+xml;base64,PHN2Zz4=">').blockedImages).toBe(1);
  });
});

describe('fixed point (sanitized before storage and again before display)', () => {
  it('a second pass changes nothing', () => {
    const hostile = '<p onclick=x style="color:#c00;position:absolute">Hi <a href="javascript:x">j</a><a href="https://a.example">a</a></p><img src="https://t.example/p.gif"><img src="cid:c1">';
    const once = clean(hostile);
    expect(clean(once)).toBe(once);
  });
});

describe('the hostile seeded newsletter', () => {
  it('comes out with no script, handler, javascript: URL, iframe or remote pixel', async () => {
    const sample = hostileMessages().find((h) => h.name === 'script-and-tracking-html');
    if (!sample) throw new Error('missing sample');
    const parsed = await parseMessage(sample.raw);
    expect(parsed.html).toBeTruthy();
    const { html, blockedImages } = sanitizeEmailHtml(parsed.html ?? '');
    expect(html).not.toMatch(/<script|<iframe|\son[a-z]+=|javascript:/i);
    expect(blockedImages).toBeGreaterThan(0);
    expect(html).not.toMatch(/<img[^>]+src="https?:/i);
  });
});

describe('htmlToPlainText', () => {
  it('keeps the words and line structure, drops scripts and styles', () => {
    expect(htmlToPlainText('<style>p{}</style><p>Hello&nbsp;there</p><p>A &amp; B</p><script>x()</script><div>Line<br>break</div>')).toBe('Hello there\nA & B\nLine\nbreak');
  });
});
