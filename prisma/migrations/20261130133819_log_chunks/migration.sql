-- Log lines are stored as chunks of consecutive lines (see LogChunk in schema.prisma): a row per
-- line could not take the ≥ 50,000 lines/s one agent sends. Existing lines move over as the
-- agent's reports would have stored them: numbered 1..n per run in the order they were stored,
-- a chunk per stretch of one task attempt and level, of at most 1,000 lines and ~256 KB
-- (server/runs/logs/chunks.ts).

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

-- Existing lines: numbered, cut into stretches of one task attempt and level (gaps and islands),
-- each stretch into chunks by line count and by text length.
WITH numbered AS (
  SELECT "flowRunId", "taskName", attempt, level, message, timestamp,
    row_number() OVER (PARTITION BY "flowRunId" ORDER BY id)::int AS line
  FROM "LogLine"
), islands AS (
  SELECT *, line - row_number() OVER (
      PARTITION BY "flowRunId", "taskName", attempt, level ORDER BY line)::int AS island
  FROM numbered
), placed AS (
  SELECT *,
    (row_number() OVER (PARTITION BY "flowRunId", "taskName", attempt, level, island ORDER BY line) - 1) / 1000 AS by_count,
    sum(length(message)) OVER (PARTITION BY "flowRunId", "taskName", attempt, level, island ORDER BY line) / 262144 AS by_size
  FROM islands
)
INSERT INTO "LogChunk" ("flowRunId", "firstLine", "lineCount", "taskName", "attempt", "level", "firstAt", "messages", "offsets", "search")
SELECT "flowRunId", min(line), count(*)::int, "taskName", attempt, level, min(timestamp),
  json_agg(message ORDER BY line),
  json_agg(round(extract(epoch FROM timestamp - first_at) * 1000)::int ORDER BY line),
  lower(string_agg(message, E'\n' ORDER BY line))
FROM (SELECT *, min(timestamp) OVER (
        PARTITION BY "flowRunId", "taskName", attempt, level, island, by_count, by_size) AS first_at
      FROM placed) p
GROUP BY "flowRunId", "taskName", attempt, level, island, by_count, by_size;

-- CreateIndex
CREATE INDEX "LogChunk_flowRunId_taskName_firstLine_idx" ON "LogChunk"("flowRunId", "taskName", "firstLine");

-- AddForeignKey
ALTER TABLE "LogChunk" ADD CONSTRAINT "LogChunk_flowRunId_fkey" FOREIGN KEY ("flowRunId") REFERENCES "FlowRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- DropTable
DROP TABLE "LogLine";
