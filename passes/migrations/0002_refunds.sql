CREATE TABLE "refunded_orders" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"payment_id" uuid NOT NULL,
	"refunded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "passes" ADD COLUMN "revocation_reason" text;--> statement-breakpoint
-- Every pass revoked before refunds were known was replaced by a newer generation.
UPDATE "passes" SET "revocation_reason" = 'reissued' WHERE "status" = 'revoked';--> statement-breakpoint
ALTER TABLE "passes" ADD CONSTRAINT "passes_revoked_has_reason" CHECK ((status = 'revoked') = (revocation_reason is not null) and (revocation_reason is null or revocation_reason in ('reissued', 'refunded')));