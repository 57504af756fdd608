-- A counter bumped in the same transaction as any change to who is connected (a store added or
-- removed, moved, its tokens deleted or restored, its health changed). Every process keeps the
-- connected stores in memory for the webhook and compares this one row, cheaply, to know when
-- to reload them; triggers bump it so no write path can forget to.
CREATE TABLE connection_changes (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO connection_changes (id, version) VALUES (1, 0);

CREATE TRIGGER connections_inserted AFTER INSERT ON connections
BEGIN
    UPDATE connection_changes SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER connections_deleted AFTER DELETE ON connections
BEGIN
    UPDATE connection_changes SET version = version + 1 WHERE id = 1;
END;

-- Not on token refreshes (a new pair replaces a pair) nor on the refresh lock: only when what
-- the webhook decides by can change.
CREATE TRIGGER connections_updated
AFTER UPDATE OF org_id, access_token, refresh_token, access_expires_at, health ON connections
WHEN OLD.org_id IS NOT NEW.org_id
  OR OLD.health IS NOT NEW.health
  OR (OLD.access_token IS NULL) <> (NEW.access_token IS NULL)
  OR (OLD.refresh_token IS NULL) <> (NEW.refresh_token IS NULL)
  OR (OLD.access_expires_at IS NULL) <> (NEW.access_expires_at IS NULL)
BEGIN
    UPDATE connection_changes SET version = version + 1 WHERE id = 1;
END;
