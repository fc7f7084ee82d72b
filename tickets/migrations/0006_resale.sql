CREATE TABLE "passes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"ticket_id" uuid NOT NULL,
	"event_id" uuid,
	"holder_id" uuid NOT NULL,
	"generation" integer NOT NULL,
	"face_value_cents" integer NOT NULL,
	"currency" text,
	"status" text NOT NULL,
	"listing_id" uuid,
	"version" integer NOT NULL,
	CONSTRAINT "passes_status_known" CHECK ("passes"."status" in ('valid', 'listed', 'admitted', 'revoked'))
);
--> statement-breakpoint
DROP INDEX "tickets_available_idx";--> statement-breakpoint
DROP INDEX "tickets_unsold_idx";--> statement-breakpoint
DROP INDEX "tickets_event_available_idx";--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "resale_of_pass_id" uuid;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "resale_lock" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "rejection_reason" text;--> statement-breakpoint
CREATE INDEX "tickets_available_idx" ON "tickets" USING btree ("created_at","id") WHERE "tickets"."order_id" is null and "tickets"."sold_at" is null and "tickets"."withdrawn_at" is null and ("tickets"."resale_lock" is null or "tickets"."resale_lock" = 'locked');--> statement-breakpoint
CREATE INDEX "tickets_unsold_idx" ON "tickets" USING btree ("created_at","id") WHERE "tickets"."sold_at" is null and "tickets"."withdrawn_at" is null and ("tickets"."resale_lock" is null or "tickets"."resale_lock" = 'locked');--> statement-breakpoint
CREATE INDEX "tickets_event_available_idx" ON "tickets" USING btree ("event_id","price_cents","id") WHERE "tickets"."event_id" is not null and "tickets"."order_id" is null and "tickets"."sold_at" is null and "tickets"."withdrawn_at" is null and ("tickets"."resale_lock" is null or "tickets"."resale_lock" = 'locked');--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_resale_lock_known" CHECK ("tickets"."resale_lock" in ('pending', 'locked', 'rejected'));--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_resale_lock_of_resale" CHECK (("tickets"."resale_of_pass_id" is null) = ("tickets"."resale_lock" is null));--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_rejection_reason_of_rejected" CHECK (("tickets"."rejection_reason" is not null) = ("tickets"."resale_lock" is not distinct from 'rejected'));