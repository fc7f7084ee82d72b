DROP INDEX "tickets_available_idx";--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "withdrawn_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "tickets_unsold_idx" ON "tickets" USING btree ("created_at","id") WHERE "tickets"."sold_at" is null and "tickets"."withdrawn_at" is null;--> statement-breakpoint
CREATE INDEX "tickets_available_idx" ON "tickets" USING btree ("created_at","id") WHERE "tickets"."order_id" is null and "tickets"."sold_at" is null and "tickets"."withdrawn_at" is null;