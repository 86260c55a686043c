-- Case aggregates (about 6 kB of JSON each) live TOAST-compressed. Reading them back
-- is most of what a bootstrap or a changes page costs the server, and lz4
-- decompresses them several times faster than the default pglz (and compresses about
-- twice as fast on every write). Rows written earlier stay pglz until they are next
-- written; both stay readable. A server built without lz4 keeps pglz.
DO $$
BEGIN
    ALTER TABLE cases ALTER COLUMN aggregate SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'PostgreSQL was built without lz4: case aggregates stay pglz-compressed';
END
$$;
