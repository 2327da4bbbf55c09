/**
 * What a provider's contract test hands to the suite: the Provider under test plus "the user's side"
 * of the same mailbox and calendar — a second, independent way in (a plain IMAP client and CalDAV
 * requests for IMAP; the simulator's state for Microsoft / Google / Exchange).
 */
import type { CalendarWindow, CaptureFolderNames, Provider } from '../provider';

export interface ProviderSideEvent {
  subject: string;
  /** Local wall-clock start/end in `timeZone`. */
  start: string;
  end: string;
  timeZone: string;
}

/** A weekly series the user made at the provider: 4 instances, the 2nd moved, the 3rd cancelled. */
export interface ProviderSideSeries {
  subject: string;
  /** First instance, local wall-clock. */
  firstStart: string;
  durationMinutes: number;
  timeZone: string;
  /** Local wall-clock start the 2nd instance was moved to. */
  movedStart: string;
}

export interface ContractHarness {
  provider: Provider;
  /** The connected address. */
  mailbox: string;
  folderNames: CaptureFolderNames;
  /** The sync window the calendar tests use (the series and single events fall inside it). */
  window: CalendarWindow;

  /** The user drops a message into a folder (by configured name, e.g. "Tandem"). */
  placeInFolder(folderName: string, raw: Uint8Array): Promise<void>;
  /** Message-IDs (with angle brackets) currently in a folder; [] if it does not exist. */
  folderContents(folderName: string): Promise<string[]>;
  /** Message-IDs of everything in the user's Sent folder. */
  sentFolder(): Promise<string[]>;
  /** Messages that left through the provider's outbound path (SMTP sink / simulator's outbox). */
  sentMessages(): Promise<{ messageId: string; recipients: string[] }[]>;

  /** Returns the providerId the adapter will report for it. */
  createProviderEvent(event: ProviderSideEvent): Promise<string>;
  updateProviderEvent(providerId: string, changes: { subject: string }): Promise<void>;
  deleteProviderEvent(providerId: string): Promise<void>;
  /** Returns the series master's providerId. */
  createProviderSeries(series: ProviderSideSeries): Promise<string>;
  /** Makes the provider forget the state behind a calendar cursor; returns the cursor to present. */
  expireCalendarCursor(cursor: string): Promise<string>;

  close(): Promise<void>;
}
