-- createUser without a password asks for its set-password email through a mail request, composed and
-- sent by the worker after the account commits (src/modules/auth/mail-requests.ts).

-- AlterEnum
ALTER TYPE "MailRequestKind" ADD VALUE 'SET_PASSWORD';
