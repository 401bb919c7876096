-- changePassword and resetPassword ask for the owner's notice through a mail request, composed and sent
-- by the worker after the change commits (src/modules/auth/mail-requests.ts).

-- AlterEnum
ALTER TYPE "MailRequestKind" ADD VALUE 'PASSWORD_CHANGED';
