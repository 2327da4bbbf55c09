/**
 * Mail authentication for the SMTP relay: DKIM keys, the DNS records to publish, the live domain
 * check, sending through the relay, and the rule deciding who may send through it. No store access:
 * callers pass keys, settings and check results in.
 */
export { dkimKeyBits, dkimRecordHost, dkimRecordValue, dkimSelectorName, generateDkimKey, publicKeyFromPrivate, type DkimKey } from './dkim-keys';
export { recordsToPublish, type RecordPurpose, type RecordToPublish, type RecordsInput } from './records';
export { mergeSpf, type RelaySpf, type SpfMerge } from './spf-record';
export { checkDomain, currentRecords, type CurrentRecords, type DomainCheckDeps, type DomainCheckInput } from './check-domain';
export { checkCodeStatus, type CheckCode, type CheckIssue, type CheckStatus, type CheckedRecord, type DomainCheckResult, type RecordCheck } from './check-result';
export { createDnsResolver, lookupTxt, type DnsSettings, type TxtLookup } from './dns-resolver';
export { signMessage, DkimSignError, type SigningKey } from './dkim-sign';
export { mapSmtpError, RelayError, type SmtpFailure, type SmtpStage } from './map-smtp-error';
export { assertSendable, deliver, sendThroughRelay, type RejectedRecipient, type RelayDeps, type RelayMail, type RelaySendResult } from './relay-sender';
export { parseRelaySettings, relaySettingsSchema, relayTlsModes, type RelaySettings, type RelaySettingsInput, type RelayTlsMode } from './relay-settings';
export { testSend, type TestSendDeps, type TestSendInput, type TestSendResult } from './relay-test-send';
export { decideSendRoute, type FailingRecord, type SendGateCode, type SendGateInput, type SendRoute } from './send-gate';
