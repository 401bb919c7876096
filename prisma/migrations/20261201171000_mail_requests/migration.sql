-- CreateEnum
CREATE TYPE "MailRequestKind" AS ENUM ('PASSWORD_RESET', 'EMAIL_CONFIRMATION', 'SIGN_UP_ATTEMPT');

-- CreateTable
CREATE TABLE "mail_requests" (
    "id" SERIAL NOT NULL,
    "kind" "MailRequestKind" NOT NULL,
    "email" TEXT NOT NULL,
    "ip" TEXT,
    "user_agent" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mail_requests_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "mail_requests_next_attempt_at_idx" ON "mail_requests"("next_attempt_at");
