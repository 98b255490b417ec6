-- Lets one SQL statement undo itself: a state-changing statement that runs outside a transaction
-- (a report batch: server/runs/state-machine/report-batch.ts) checks what it wrote in its final
-- SELECT and calls this when a part fell short, so the whole statement rolls back instead of
-- committing half. SQLSTATE 40001 (serialization failure): the caller reads again and retries.
CREATE FUNCTION pipebook_abort(message TEXT) RETURNS INTEGER LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', message USING ERRCODE = '40001';
END
$$;
