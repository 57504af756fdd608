-- A counter bumped in the same transaction as any change to who is connected (a store added or
-- removed, moved, its tokens deleted or restored, its health changed). Every process keeps the
-- connected stores in memory for the webhook and compares this one row, cheaply, to know when
-- to reload them; triggers bump it so no write path can forget to. The NOTIFY (delivered on
-- commit) lets a listener reload at once instead of at its next check.
CREATE TABLE connection_changes (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO connection_changes (id, version) VALUES (1, 0);

CREATE FUNCTION connections_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE connection_changes SET version = version + 1 WHERE id = 1;
    PERFORM pg_notify('mostrador_connections', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER connections_inserted_or_deleted AFTER INSERT OR DELETE ON connections
    FOR EACH ROW EXECUTE FUNCTION connections_changed();

-- Not on token refreshes (a new pair replaces a pair) nor on the refresh lock: only when what
-- the webhook decides by can change.
CREATE TRIGGER connections_updated
    AFTER UPDATE OF org_id, access_token, refresh_token, access_expires_at, health ON connections
    FOR EACH ROW
    WHEN (OLD.org_id IS DISTINCT FROM NEW.org_id
       OR OLD.health IS DISTINCT FROM NEW.health
       OR (OLD.access_token IS NULL) <> (NEW.access_token IS NULL)
       OR (OLD.refresh_token IS NULL) <> (NEW.refresh_token IS NULL)
       OR (OLD.access_expires_at IS NULL) <> (NEW.access_expires_at IS NULL))
    EXECUTE FUNCTION connections_changed();
