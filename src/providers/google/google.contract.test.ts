import { runProviderContract } from '../contract/run-provider-contract';
import { googleContractHarness } from './google-test-harness';

runProviderContract('google (Google simulator)', () => googleContractHarness());
