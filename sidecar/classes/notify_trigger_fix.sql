-- Operator fix for the production trigger function public.log_class_change() (run once, as the
-- owner of the function; `wecoza-sidecar fix-class-trigger` shows the change and applies this file).
-- The sidecar never alters production objects on its own; this is for the database administrator.
--
-- Why: log_class_change() sends the change with pg_notify('class_change_channel', ...). On INSERT
-- the payload holds the whole row, on UPDATE the old and new value of every changed column.
-- PostgreSQL refuses NOTIFY payloads of 8000 bytes or more ("payload string too long"), and the
-- error aborts the INSERT/UPDATE itself: a class with about 75 learners cannot be created, and
-- changing a learner list of about 40 cannot be saved.
--
-- What changes: nothing for payloads under the limit. A larger one is replaced by a small
-- notification that names the change-log row (log_id) and the changed columns; the full diff is
-- in public.class_change_logs as before, where listeners read it. The change-log row itself is
-- unchanged.
CREATE OR REPLACE FUNCTION public.log_class_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
-- wecoza-sidecar notify_trigger_fix: a payload of 8000 bytes or more becomes a reference to its change-log row.
-- (wecoza-sidecar check-config, /readyz and Site Health look for this line; keep it in any revision.)
DECLARE
    op TEXT := TG_OP;
    event_time TIMESTAMP WITHOUT TIME ZONE := NOW();
    new_data JSONB := to_jsonb(NEW);
    old_data JSONB := CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) ELSE NULL END;
    diff JSONB := '{}'::jsonb;
    new_log_id BIGINT;
    payload TEXT;
BEGIN
    IF op = 'UPDATE' THEN
        diff := (
            SELECT COALESCE(
                jsonb_object_agg(key, jsonb_build_object('old', old_data -> key, 'new', new_data -> key)),
                '{}'::jsonb
            )
            FROM (
                SELECT key FROM jsonb_object_keys(new_data) AS new_keys(key)
                UNION
                SELECT key FROM jsonb_object_keys(COALESCE(old_data, '{}'::jsonb)) AS old_keys(key)
            ) AS keys(key)
            WHERE (old_data -> key) IS DISTINCT FROM (new_data -> key)
        );
    ELSE
        diff := new_data;
    END IF;

    INSERT INTO public.class_change_logs (class_id, operation, changed_at, new_row, old_row, diff)
    VALUES (NEW.class_id, op, event_time, new_data, old_data, diff)
    RETURNING log_id INTO new_log_id;

    payload := json_build_object(
        'operation', op,
        'class_id', NEW.class_id,
        'class_code', NEW.class_code,
        'class_subject', NEW.class_subject,
        'changed_at', event_time,
        'diff', diff
    )::text;
    IF octet_length(payload) >= 8000 THEN
        payload := json_build_object(
            'operation', op,
            'class_id', NEW.class_id,
            'class_code', NEW.class_code,
            'class_subject', NEW.class_subject,
            'changed_at', event_time,
            'log_id', new_log_id,
            'diff_truncated', true,
            'changed_columns', (SELECT COALESCE(json_agg(k ORDER BY k), '[]'::json) FROM jsonb_object_keys(diff) AS k)
        )::text;
    END IF;
    PERFORM pg_notify('class_change_channel', payload);

    RETURN NEW;
END;
$$;
