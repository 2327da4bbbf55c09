import { runProviderContract } from '../contract/run-provider-contract';
import { exchangeContractHarness } from './exchange-test-harness';

runProviderContract('exchange (EWS simulator)', () => exchangeContractHarness());
