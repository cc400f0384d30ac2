import { describe } from 'vitest';
import { caseStoreContract } from './case-store.contract.js';
import { deliveriesContract } from './deliveries-auth.contract.js';
import { messageStoreContract } from './message-store.contract.js';
import { sharedStateContract } from './shared-state.contract.js';
import { sendLedgerContract } from './send-ledger.contract.js';
import { sqliteStores } from './stores.js';

describe('the SQLite store', () => {
  describe('messages', () => messageStoreContract(sqliteStores));
  describe('cases and outbox', () => caseStoreContract(sqliteStores));
  describe('resource deliveries and dashboard sign-in', () => deliveriesContract(sqliteStores));
  describe('rate buckets and private reachability', () => sharedStateContract(sqliteStores));
  describe('send ledger', () => sendLedgerContract(sqliteStores));
});
