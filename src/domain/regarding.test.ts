import { describe, expect, it } from 'vitest';
import { isRegarding, parseRegarding, RegardingError, regardingFromColumns, regardingToColumns } from './regarding';

describe('parseRegarding', () => {
  it.each([
    [null, null],
    [undefined, null],
    [{ type: 'opportunity', id: 'o-1' }, { type: 'opportunity', id: 'o-1' }],
    [{ type: 'property', id: ' p-1 ' }, { type: 'property', id: 'p-1' }],
    [{ type: 'work_ticket', id: 'w-1' }, { type: 'work_ticket', id: 'w-1' }],
  ])('accepts %j', (input, expected) => {
    expect(parseRegarding(input)).toEqual(expected);
  });

  it.each([
    [[{ type: 'opportunity', id: 'o-1' }, { type: 'property', id: 'p-1' }], /exactly one/],
    [{ type: 'contact', id: 'c-1' }, /must be one of/],
    [{ type: 'opportunity', id: '' }, /id is required/],
    [{ type: 'opportunity' }, /id is required/],
    [{ type: 'opportunity', id: 'o-1', propertyId: 'p-1' }, /unexpected fields: propertyId/],
    ['opportunity:o-1', /must be an object/],
  ])('refuses %j', (input, message) => {
    expect(() => parseRegarding(input)).toThrow(RegardingError);
    expect(() => parseRegarding(input)).toThrow(message);
  });
});

describe('isRegarding', () => {
  it('is true only for one well-formed target', () => {
    expect(isRegarding({ type: 'property', id: 'p' })).toBe(true);
    expect(isRegarding({ type: 'property', id: 'p', extra: 1 })).toBe(false);
    expect(isRegarding({ type: 'ticket', id: 'p' })).toBe(false);
    expect(isRegarding({ type: 'property', id: 7 })).toBe(false);
    expect(isRegarding(null)).toBe(false);
  });
});

describe('regarding columns', () => {
  it('round-trips through regarding_type + regarding_id', () => {
    for (const r of [null, { type: 'opportunity', id: 'o' }, { type: 'property', id: 'p' }, { type: 'work_ticket', id: 'w' }] as const) {
      expect(regardingFromColumns(regardingToColumns(r))).toEqual(r);
    }
  });

  it('refuses a half-set or unknown row', () => {
    expect(() => regardingFromColumns({ regardingType: 'property', regardingId: null })).toThrow(RegardingError);
    expect(() => regardingFromColumns({ regardingType: null, regardingId: 'p' })).toThrow(RegardingError);
    expect(() => regardingFromColumns({ regardingType: 'contact', regardingId: 'c' })).toThrow(RegardingError);
  });
});
