/*
  Warnings:

  - Added the required column `idle_lifespan` to the `sessions` table without a default value. This is not possible if the table is not empty.

*/
-- AlterTable
ALTER TABLE "sessions" ADD COLUMN     "idle_lifespan" INTEGER NOT NULL;
