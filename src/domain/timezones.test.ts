import { describe, expect, it } from 'vitest';
import { ianaToWindows, toIanaZone, UnknownTimeZoneError, windowsToIana, windowsZoneNames } from './timezones';

describe('Windows → IANA', () => {
  it.each([
    ['Pacific Standard Time', 'America/Los_Angeles'],
    ['W. Europe Standard Time', 'Europe/Berlin'],
    ['Eastern Standard Time', 'America/New_York'],
    ['GMT Standard Time', 'Europe/London'],
    ['India Standard Time', 'Asia/Calcutta'],
    ['Tokyo Standard Time', 'Asia/Tokyo'],
    ['AUS Eastern Standard Time', 'Australia/Sydney'],
    ['UTC', 'Etc/UTC'],
    ['w. europe standard time', 'Europe/Berlin'],
  ])('%s → %s', (win, iana) => {
    expect(windowsToIana(win)).toBe(iana);
  });

  it('picks a territory zone when asked', () => {
    expect(windowsToIana('W. Europe Standard Time', 'ch')).toBe('Europe/Zurich');
    expect(windowsToIana('W. Europe Standard Time', 'ZZ')).toBe('Europe/Berlin');
  });

  it('maps all ~140 Windows names to zones the runtime knows', () => {
    const names = windowsZoneNames();
    expect(names.length).toBeGreaterThanOrEqual(135);
    for (const name of names) {
      const zone = windowsToIana(name);
      expect(() => new Intl.DateTimeFormat('en-US', { timeZone: zone }), name).not.toThrow();
    }
  });

  it('refuses unknown names with a typed error instead of UTC', () => {
    const err = (() => {
      try {
        windowsToIana('Atlantis Standard Time');
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(UnknownTimeZoneError);
    expect(err).toMatchObject({ code: 'unknown_time_zone', zone: 'Atlantis Standard Time', direction: 'to_iana' });
  });
});

describe('toIanaZone (any provider input)', () => {
  it.each([
    ['Pacific Standard Time', 'America/Los_Angeles'],
    ['Europe/Berlin', 'Europe/Berlin'],
    ['tzone://Microsoft/Utc', 'Etc/UTC'],
    ['  Romance Standard Time ', 'Europe/Paris'],
  ])('%s → %s', (input, zone) => {
    expect(toIanaZone(input)).toBe(zone);
  });

  it.each([['tzone://Microsoft/Custom'], [''], ['Mars/Olympus_Mons'], ['Customized Time Zone']])('refuses %j', (input) => {
    expect(() => toIanaZone(input)).toThrow(UnknownTimeZoneError);
  });
});

describe('IANA → Windows', () => {
  it.each([
    ['Europe/Berlin', 'W. Europe Standard Time'],
    ['America/New_York', 'Eastern Standard Time'],
    ['Asia/Kolkata', 'India Standard Time'],
    ['Asia/Calcutta', 'India Standard Time'],
    ['Etc/UTC', 'UTC'],
    ['America/Ciudad_Juarez', 'Mountain Standard Time'],
  ])('%s → %s', (iana, win) => {
    expect(ianaToWindows(iana)).toBe(win);
  });

  it('round-trips every Windows name through its IANA zone', () => {
    for (const name of windowsZoneNames()) expect(ianaToWindows(windowsToIana(name)), name).toBe(name);
  });

  it('refuses a zone with no Windows equivalent', () => {
    expect(() => ianaToWindows('Antarctica/Troll')).toThrow(UnknownTimeZoneError);
    expect(() => ianaToWindows('Not/AZone')).toThrow(/No Windows time zone/);
  });
});
