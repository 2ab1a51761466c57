"""The network change log says which rows a statement changed, so that a small edit can be
applied to the in-memory network index instead of rebuilding it (geodata/geocoding.py).

Still one log row per statement, now with the ids of the rows it touched: statement-level
AFTER triggers with transition tables, one per operation (PostgreSQL allows transition
tables only on single-event triggers). `ids` is NULL where they are unknown (TRUNCATE) or
more than MAX_IDS (an import's batches of 500 and 1,000 rows): a reader then rebuilds.
Road links of intersections log the intersections' ids.
"""
import django.contrib.postgres.fields
from django.db import migrations, models

# (as geodata.models.version.NETWORK_TABLES was when this was written: a migration is frozen)
ID_COLUMN = {
    "geodata_road": "id", "geodata_roadsegment": "id", "geodata_intersection": "id",
    "geodata_intersection_roads": "intersection_id", "geodata_landmark": "id", "geodata_area": "id",
}
# Far more than an edit applied in place may touch (geocoding.PATCH_MAX_ROWS), far fewer
# than an import's batch: those log NULL, one small row per statement.
MAX_IDS = 256

LOG_ROWS = f"""
CREATE FUNCTION geodata_log_network_change_rows() RETURNS trigger AS $$
DECLARE
    changed bigint[];
    rows_sql text;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        changed := NULL;  -- no transition table: unknown
    ELSE
        rows_sql := CASE TG_OP
            WHEN 'INSERT' THEN 'SELECT DISTINCT %1$I AS x FROM new_rows'
            WHEN 'DELETE' THEN 'SELECT DISTINCT %1$I AS x FROM old_rows'
            ELSE 'SELECT %1$I AS x FROM new_rows UNION SELECT %1$I FROM old_rows' END;
        EXECUTE format('SELECT array_agg(x) FROM (' || rows_sql || ' ORDER BY 1 LIMIT {MAX_IDS + 1}) s', TG_ARGV[0])
            INTO changed;
        changed := coalesce(changed, '{{}}');  -- a statement that changed no row
        IF cardinality(changed) > {MAX_IDS} THEN
            changed := NULL;  -- too many to apply one by one
        END IF;
    END IF;
    INSERT INTO geodata_networkchange (at, table_name, ids) VALUES (now(), TG_TABLE_NAME, changed);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""
TRIGGERS = "".join(
    f"DROP TRIGGER IF EXISTS {t}_network_change ON {t};\n"
    f"CREATE TRIGGER {t}_network_insert AFTER INSERT ON {t} REFERENCING NEW TABLE AS new_rows "
    f"FOR EACH STATEMENT EXECUTE FUNCTION geodata_log_network_change_rows('{col}');\n"
    f"CREATE TRIGGER {t}_network_update AFTER UPDATE ON {t} REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows "
    f"FOR EACH STATEMENT EXECUTE FUNCTION geodata_log_network_change_rows('{col}');\n"
    f"CREATE TRIGGER {t}_network_delete AFTER DELETE ON {t} REFERENCING OLD TABLE AS old_rows "
    f"FOR EACH STATEMENT EXECUTE FUNCTION geodata_log_network_change_rows('{col}');\n"
    f"CREATE TRIGGER {t}_network_truncate AFTER TRUNCATE ON {t} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION geodata_log_network_change_rows('{col}');\n"
    for t, col in ID_COLUMN.items()
)
# back to migration 0002's triggers (its function is still there)
REVERSE = "".join(
    f"DROP TRIGGER IF EXISTS {t}_network_{op} ON {t};\n" for t in ID_COLUMN
    for op in ("insert", "update", "delete", "truncate")
) + "DROP FUNCTION IF EXISTS geodata_log_network_change_rows();\n" + "".join(
    f"CREATE TRIGGER {t}_network_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {t} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION geodata_log_network_change();\n"
    for t in ID_COLUMN
)
# Rows logged before this migration do not say what they changed: readers rebuild once.
FIRST = "INSERT INTO geodata_networkchange (at, table_name, ids) VALUES (now(), 'migration', NULL);"


class Migration(migrations.Migration):

    dependencies = [
        ('geodata', '0002_network_change'),
    ]

    operations = [
        migrations.AddField(
            model_name='networkchange',
            name='ids',
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.BigIntegerField(), blank=True, null=True, size=None,
                verbose_name='变更行', help_text='ids of the rows the statement changed (road links: their intersections); NULL: unknown or too many'),
        ),
        migrations.RunSQL(LOG_ROWS + TRIGGERS + FIRST, REVERSE),
    ]
