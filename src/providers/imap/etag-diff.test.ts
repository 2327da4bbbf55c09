import { describe, expect, it } from 'vitest';
import { diffHrefEtags } from './etag-diff';

describe('diffHrefEtags', () => {
  it.each([
    ['nothing known yet', { a: '1', b: '2' }, {}, { added: ['a', 'b'], changed: [], removed: [] }],
    ['no change', { a: '1' }, { a: '1' }, { added: [], changed: [], removed: [] }],
    ['edited', { a: '2' }, { a: '1' }, { added: [], changed: ['a'], removed: [] }],
    ['deleted', {}, { a: '1' }, { added: [], changed: [], removed: ['a'] }],
    ['all at once', { a: '1', b: '3', d: '1' }, { a: '1', b: '2', c: '1' }, { added: ['d'], changed: ['b'], removed: ['c'] }],
  ])('%s', (_name, server, ours, want) => {
    expect(diffHrefEtags(server, ours)).toEqual(want);
  });
});
