CREATE TABLE "claims" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"buyer_id" uuid NOT NULL,
	"message" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"resolved_by" uuid,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"version" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "claims_status_known" CHECK (status in ('open', 'declined', 'refunded', 'released')),
	CONSTRAINT "claims_message_length" CHECK (char_length(message) between 1 and 1000)
);
--> statement-breakpoint
ALTER TABLE "payouts" ADD COLUMN "transfer_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "payouts" ADD COLUMN "refunded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "payouts" ADD COLUMN "cancelled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "payouts" ADD COLUMN "reversed_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "claims_one_per_order" ON "claims" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "claims_buyer_idx" ON "claims" USING btree ("buyer_id","opened_at");--> statement-breakpoint
CREATE INDEX "claims_open_idx" ON "claims" USING btree ("opened_at") WHERE status = 'open';