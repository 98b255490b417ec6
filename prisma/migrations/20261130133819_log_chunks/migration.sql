-- Log lines are stored as chunks of consecutive lines (see LogChunk in schema.prisma): a row per
-- line could not take the ≥ 50,000 lines/s one agent sends. Existing lines move over as chunks of
-- one line each, keeping their numbers.

-- CreateTable
CREATE TABLE "LogChunk" (
    "flowRunId" UUID NOT NULL,
    "firstLine" INTEGER NOT NULL,
    "lineCount" INTEGER NOT NULL,
    "taskName" TEXT,
    "attempt" INTEGER,
    "level" "LogLevel" NOT NULL,
    "firstAt" TIMESTAMPTZ(3) NOT NULL,
    "messages" JSON NOT NULL,
    "offsets" JSON NOT NULL,
    "search" TEXT NOT NULL,

    CONSTRAINT "LogChunk_pkey" PRIMARY KEY ("flowRunId","firstLine")
);

-- Existing lines, one chunk each.
INSERT INTO "LogChunk" ("flowRunId", "firstLine", "lineCount", "taskName", "attempt", "level", "firstAt", "messages", "offsets", "search")
SELECT "flowRunId", "line", 1, "taskName", "attempt", "level", "timestamp", json_build_array("message"), '[0]'::json, lower("message")
FROM "LogLine";

-- CreateIndex
CREATE INDEX "LogChunk_flowRunId_taskName_firstLine_idx" ON "LogChunk"("flowRunId", "taskName", "firstLine");

-- AddForeignKey
ALTER TABLE "LogChunk" ADD CONSTRAINT "LogChunk_flowRunId_fkey" FOREIGN KEY ("flowRunId") REFERENCES "FlowRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- DropTable
DROP TABLE "LogLine";
