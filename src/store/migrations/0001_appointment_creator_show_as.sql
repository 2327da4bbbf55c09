ALTER TABLE "appointments" ADD COLUMN "created_by_user_id" uuid;--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "show_as" text;--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_show_as_ck" CHECK ("appointments"."show_as" in ('free', 'busy', 'tentative', 'oof', 'workingElsewhere'));