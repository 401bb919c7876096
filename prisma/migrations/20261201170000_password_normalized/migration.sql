-- Which form of the password the hash was made from: the NFKC form (everything Gatehouse hashes) or the
-- password as typed (hashes imported from Strapi and other systems). Sign-in compares that one form only,
-- so every attempt costs exactly one bcrypt comparison. Existing hashes were made by Gatehouse's sign-up,
-- reset and change flows, which hash the normalised form.
ALTER TABLE "users" ADD COLUMN "password_normalized" BOOLEAN NOT NULL DEFAULT true;
