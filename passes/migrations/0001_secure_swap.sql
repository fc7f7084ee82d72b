ALTER TABLE "passes" DROP CONSTRAINT "passes_status_known";--> statement-breakpoint
ALTER TABLE "passes" ADD COLUMN "listing_id" uuid;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "user_id" uuid;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "resale_of_pass_id" uuid;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "status" text;--> statement-breakpoint
CREATE INDEX "passes_event_listed_idx" ON "passes" USING btree ("event_id") WHERE status = 'listed';--> statement-breakpoint
ALTER TABLE "passes" ADD CONSTRAINT "passes_listed_has_listing" CHECK ((status = 'listed') = (listing_id is not null));--> statement-breakpoint
ALTER TABLE "passes" ADD CONSTRAINT "passes_status_known" CHECK (status in ('valid', 'listed', 'admitted', 'revoked'));