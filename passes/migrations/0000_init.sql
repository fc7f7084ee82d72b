CREATE TABLE "events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organizer_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"version" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"ticket_id" uuid NOT NULL,
	"price_cents" integer NOT NULL,
	"currency" text,
	"status" text NOT NULL,
	"version" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "outbox_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"event_id" uuid NOT NULL,
	"subject" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"parked_at" timestamp with time zone,
	CONSTRAINT "outbox_event_id_unique" UNIQUE("event_id")
);
--> statement-breakpoint
CREATE TABLE "passes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"ticket_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"event_id" uuid,
	"holder_id" uuid NOT NULL,
	"generation" integer NOT NULL,
	"status" text NOT NULL,
	"face_value" integer NOT NULL,
	"currency" text,
	"code" text NOT NULL,
	"version" integer NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"admitted_at" timestamp with time zone,
	"admitted_by" uuid,
	"revoked_at" timestamp with time zone,
	"replaced_by" uuid,
	CONSTRAINT "passes_status_known" CHECK (status in ('valid', 'admitted', 'revoked')),
	CONSTRAINT "passes_admitted_has_time" CHECK ((status = 'admitted') = (admitted_at is not null and revoked_at is null)),
	CONSTRAINT "passes_revoked_has_time" CHECK ((status = 'revoked') = (revoked_at is not null))
);
--> statement-breakpoint
CREATE TABLE "processed_events" (
	"event_id" uuid NOT NULL,
	"consumer" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "processed_events_consumer_event_id_pk" PRIMARY KEY("consumer","event_id")
);
--> statement-breakpoint
CREATE TABLE "revoked_sessions" (
	"session_id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"recorded_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "revoked_users" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"before" timestamp (3) with time zone NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"recorded_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"id" uuid PRIMARY KEY NOT NULL,
	"event_id" uuid,
	"version" integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox" USING btree ("id") WHERE published_at is null and parked_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "passes_one_per_order" ON "passes" USING btree ("order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "passes_ticket_generation_unique" ON "passes" USING btree ("ticket_id","generation");--> statement-breakpoint
CREATE UNIQUE INDEX "passes_one_current_per_ticket" ON "passes" USING btree ("ticket_id") WHERE status <> 'revoked';--> statement-breakpoint
CREATE INDEX "passes_holder_idx" ON "passes" USING btree ("holder_id","issued_at");--> statement-breakpoint
CREATE INDEX "passes_event_revoked_idx" ON "passes" USING btree ("event_id") WHERE status = 'revoked';--> statement-breakpoint
CREATE INDEX "revoked_sessions_recorded_idx" ON "revoked_sessions" USING btree ("recorded_at");--> statement-breakpoint
CREATE INDEX "revoked_users_recorded_idx" ON "revoked_users" USING btree ("recorded_at");