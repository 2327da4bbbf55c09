import { runProviderContract } from '../contract/run-provider-contract';
import { imapContractHarness } from './imap-test-harness';

runProviderContract('imap (Dovecot + Radicale + SMTP sink)', () => imapContractHarness());
