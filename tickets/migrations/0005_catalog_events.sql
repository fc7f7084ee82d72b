CREATE TABLE "events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organizer_id" uuid NOT NULL,
	"name" text NOT NULL,
	"venue" text NOT NULL,
	"city" text NOT NULL,
	"starts_at" timestamp (3) with time zone NOT NULL,
	"category" text,
	"version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "events_name_length" CHECK (char_length("events"."name") between 1 and 200)
);
--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "event_id" uuid;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "face_value_cents" integer;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "seat_section" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "seat_row" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "seat_number" text;--> statement-breakpoint
CREATE INDEX "events_starts_at_idx" ON "events" USING btree ("starts_at","id");--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tickets_event_available_idx" ON "tickets" USING btree ("event_id","price_cents","id") WHERE "tickets"."event_id" is not null and "tickets"."order_id" is null and "tickets"."sold_at" is null and "tickets"."withdrawn_at" is null;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_face_value_cents_range" CHECK ("tickets"."face_value_cents" between 1 and 100000000);--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_seat_complete" CHECK (("tickets"."seat_section" is null) = ("tickets"."seat_row" is null) and ("tickets"."seat_row" is null) = ("tickets"."seat_number" is null));