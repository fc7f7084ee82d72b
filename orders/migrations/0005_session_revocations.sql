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
CREATE INDEX "revoked_sessions_recorded_idx" ON "revoked_sessions" USING btree ("recorded_at");--> statement-breakpoint
CREATE INDEX "revoked_users_recorded_idx" ON "revoked_users" USING btree ("recorded_at");