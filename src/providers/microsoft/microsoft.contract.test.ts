import { runProviderContract } from '../contract/run-provider-contract';
import { microsoftContractHarness } from './microsoft-test-harness';

runProviderContract('microsoft (Microsoft 365 simulator)', () => microsoftContractHarness());
