"""Two holes in the frozen record, closed in PostgreSQL as 0001 closed the others:

- TRUNCATE emptied every published list (row triggers do not fire on it); it is refused now,
  as for the audit log, except in a test database (test runs empty theirs with TRUNCATE);
- the one update that publishes a draft could store any checksum; the text's SHA-256 must
  match it now (integrity only, as 0001: the trigger changes no data)."""

from django.db import migrations

FROZEN_CHECKED = """
CREATE OR REPLACE FUNCTION publishing_publication_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'published' THEN
        RAISE EXCEPTION 'publication % is published and cannot be changed: % refused', OLD.id, TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    IF NEW.status = 'published'
            AND NEW.checksum IS DISTINCT FROM encode(sha256(convert_to(NEW.text, 'UTF8')), 'hex') THEN
        RAISE EXCEPTION 'publication %: the checksum is not the SHA-256 of its text', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION publishing_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_database() LIKE 'test\\_%' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% holds published lists: TRUNCATE refused', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER publishing_publication_no_truncate BEFORE TRUNCATE ON publishing_publication
    FOR EACH STATEMENT EXECUTE FUNCTION publishing_no_truncate();
CREATE TRIGGER publishing_item_no_truncate BEFORE TRUNCATE ON publishing_publicationitem
    FOR EACH STATEMENT EXECUTE FUNCTION publishing_no_truncate();
"""

FROZEN_AS_BEFORE = """
DROP TRIGGER IF EXISTS publishing_item_no_truncate ON publishing_publicationitem;
DROP TRIGGER IF EXISTS publishing_publication_no_truncate ON publishing_publication;
DROP FUNCTION IF EXISTS publishing_no_truncate();
CREATE OR REPLACE FUNCTION publishing_publication_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'published' THEN
        RAISE EXCEPTION 'publication % is published and cannot be changed: % refused', OLD.id, TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("publishing", "0001_initial")]

    operations = [migrations.RunSQL(FROZEN_CHECKED, FROZEN_AS_BEFORE)]
