DROP INDEX "captured_messages_company_rfc_idx";--> statement-breakpoint
-- Hand-written (drizzle-kit cannot express table storage parameters): 60% of each new ledger page
-- stays free, so marking a row processed is a HOT update (see the comment on capturedMessages).
ALTER TABLE "captured_messages" SET (fillfactor = 40);
