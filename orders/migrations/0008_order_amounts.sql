ALTER TABLE "orders" ADD COLUMN "buyer_fee_cents" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Orders made before fees cost their ticket's price and nothing more: fee 0, total = price.
ALTER TABLE "orders" ADD COLUMN "total_cents" integer;--> statement-breakpoint
UPDATE "orders" SET "total_cents" = "price_cents" + "buyer_fee_cents";--> statement-breakpoint
ALTER TABLE "orders" ALTER COLUMN "total_cents" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "event_id" uuid;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_buyer_fee_cents_not_negative" CHECK ("orders"."buyer_fee_cents" >= 0);--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_total_is_price_plus_fee" CHECK ("orders"."total_cents" = "orders"."price_cents" + "orders"."buyer_fee_cents");
