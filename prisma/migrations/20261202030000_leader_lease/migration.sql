-- Leadership of the background services between server replicas (server/leadership/).
-- CreateTable
CREATE TABLE "LeaderLease" (
    "role" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "epoch" INTEGER NOT NULL,
    "acquiredAt" TIMESTAMPTZ(3) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "LeaderLease_pkey" PRIMARY KEY ("role")
);
