import { afterAll, describe } from 'vitest';
import { caseStoreContract } from './case-store.contract.js';
import { deliveriesContract } from './deliveries-auth.contract.js';
import { messageStoreContract } from './message-store.contract.js';
import { sharedStateContract } from './shared-state.contract.js';
import { sendLedgerContract } from './send-ledger.contract.js';
import { describePg } from './pg-env.js';
import { pgStores } from './stores.js';

describePg('the PostgreSQL store', (serverUrl) => {
  const stores = pgStores(serverUrl);
  afterAll(() => stores.shutdown());
  describe('messages', () => messageStoreContract(stores));
  describe('cases and outbox', () => caseStoreContract(stores));
  describe('resource deliveries and dashboard sign-in', () => deliveriesContract(stores));
  describe('rate buckets and private reachability', () => sharedStateContract(stores));
  describe('send ledger', () => sendLedgerContract(stores));
});
