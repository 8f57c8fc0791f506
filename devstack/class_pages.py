"""What the unchanged class pages send: ``FormData(#classes-form)`` of the capture and update
pages (docs/contracts/classes.md#the-class-form-fields, DOM order, hidden template rows' empty values last), the
JS-written ``schedule_data[...]`` fields, and the other small requests."""
from __future__ import annotations

import json

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
             b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def learner_entry(learner_id, name="Learner", level="COMM", status="CIC - Currently in Class"):
    return {"id": str(learner_id), "name": name, "level": level, "status": status}


def schedule_fields(pattern="weekly", start="2026-03-02", end="2026-06-26", day_of_month=None,
                    per_day=None, exceptions=(), overrides=(), single=None):
    """``updateHiddenFormFields``: what class-schedule-form.js writes into #schedule-data-container."""
    per_day = per_day if per_day is not None else {"Monday": ("09:00", "11:00"), "Wednesday": ("13:00", "15:30")}
    fields = [("schedule_data[pattern]", pattern), ("schedule_data[start_date]", start)]
    if end:
        fields.append(("schedule_data[end_date]", end))
    if day_of_month:
        fields.append(("schedule_data[day_of_month]", str(day_of_month)))
    fields += [("schedule_data[version]", "2.0"), ("schedule_data[last_updated]", "2026-03-01T10:00:00.000Z")]
    if per_day:
        fields.append(("schedule_data[time_mode]", "per_day"))
        for day, (s, e) in per_day.items():
            hours = (int(e[:2]) * 60 + int(e[3:]) - int(s[:2]) * 60 - int(s[3:])) / 60
            fields += [(f"schedule_data[per_day_times][{day}][start_time]", s),
                       (f"schedule_data[per_day_times][{day}][end_time]", e),
                       (f"schedule_data[per_day_times][{day}][duration]", f"{hours:.2f}")]
        for i, day in enumerate(per_day):
            fields.append((f"schedule_data[selected_days][{i}]", day))
    else:
        fields.append(("schedule_data[time_mode]", "single"))
        if single:
            fields += [("schedule_data[start_time]", single[0]), ("schedule_data[end_time]", single[1])]
    for i, (date, reason) in enumerate(exceptions):
        fields += [(f"schedule_data[exception_dates][{i}][date]", date),
                   (f"schedule_data[exception_dates][{i}][reason]", reason)]
    for date in overrides:
        fields.append((f"schedule_data[holiday_overrides][{date}]", "1"))
    return fields


def capture_form(nonce, *, client_id="1", site_id="1", class_type="AET", subject="COMM", code="TES030209",
                 duration="120", start="2026-03-02", end="2026-06-26", learners=(), exam_learners=(),
                 seta_funded="Yes", seta="ETDP", exam_class="No", exam_type="", agent="3", agent_start="2026-03-01",
                 supervisor="2", backups=(), stops=(), events=(), schedule=None, exceptions=(), overrides_json="{}",
                 site_address="1 Test Street"):
    """The create page (create-class.php) as FormData sends it, then ``action`` and ``nonce`` appended."""
    days = ["Monday", "Wednesday"]
    fields = [("class_id", "auto-generated"), ("redirect_url", ""), ("nonce", nonce), ("client_id", client_id),
              ("site_id", site_id), ("site_address", site_address), ("class_type", class_type),
              ("class_subject", subject), ("class_duration", duration), ("class_code", code),
              ("class_start_date", start), ("schedule_start_date", start), ("schedule_pattern", "weekly")]
    fields += [("schedule_days[]", d) for d in days]
    fields += [("schedule_day_of_month", ""), ("schedule_total_hours", "")]
    for date, reason in exceptions:
        fields += [("exception_dates[]", date), ("exception_reasons[]", reason)]
    fields += [("exception_dates[]", ""), ("exception_reasons[]", "")]           # template row
    fields.append(("schedule_data[holiday_overrides]", overrides_json))
    for stop, restart in stops:
        fields += [("stop_dates[]", stop), ("restart_dates[]", restart)]
    fields += [("stop_dates[]", ""), ("restart_dates[]", "")]
    fields.append(("schedule_end_date", end))
    for kind, description, date, status, notes in events:
        fields += [("event_types[]", kind), ("event_descriptions[]", description), ("event_dates_input[]", date),
                   ("event_statuses[]", status), ("event_notes[]", notes)]
    fields += [("event_types[]", ""), ("event_descriptions[]", ""), ("event_dates_input[]", ""),
               ("event_statuses[]", "Pending"), ("event_notes[]", "")]
    fields += [("seta_funded", seta_funded), ("seta_id", seta), ("exam_class", exam_class), ("exam_type", exam_type)]
    fields += schedule if schedule is not None else schedule_fields(start=start, end=end, exceptions=exceptions)
    fields.append(("class_learners_data", json.dumps(list(learners))))
    fields += [("exam_learner_select[]", e["id"]) for e in exam_learners]
    fields.append(("exam_learners", json.dumps(list(exam_learners))))
    fields += [("initial_class_agent", agent), ("initial_agent_start_date", agent_start),
               ("project_supervisor", supervisor)]
    for agent_id, date in backups:
        fields += [("backup_agent_ids[]", agent_id), ("backup_agent_dates[]", date)]
    fields += [("backup_agent_ids[]", ""), ("backup_agent_dates[]", "")]
    fields += [("exam_learner_count", str(len(exam_learners))), ("action", "save_class"), ("nonce", nonce)]
    return fields


def update_form(nonce, class_id, *, client_id="1", site_id="1", class_type="AET", subject="COMM", code="TES030209",
                duration="120", start="2026-03-02", learners=(), exam_learners=(), seta_funded="Yes", seta="ETDP",
                exam_class="No", exam_type="", agent="3", agent_start="2026-03-01", supervisor="2", backups=(),
                replacements=(), stops=(), events=(), schedule=None, exceptions=(), overrides_json="{}",
                qa_rows=(), qa_visits_data="", learners_json=None):
    """The update page (update-class.php): hidden identity fields, the same sections, plus QA rows
    (``qa_rows`` = [(date, type, officer)]) and agent replacements."""
    fields = [("class_id", str(class_id)), ("redirect_url", ""), ("nonce", nonce), ("client_id", client_id),
              ("site_id", site_id), ("class_type", class_type), ("class_code_hidden", code),
              ("class_duration", duration), ("class_start_date", start), ("class_subject", subject),
              ("schedule_start_date", start), ("schedule_pattern", "weekly")]
    fields += [("schedule_days[]", d) for d in ("Monday", "Wednesday")]
    fields += [("schedule_day_of_month", ""), ("schedule_end_date", "2026-06-26")]
    for date, reason in exceptions:
        fields += [("exception_dates[]", date), ("exception_reasons[]", reason)]
    fields += [("exception_dates[]", ""), ("exception_reasons[]", "")]
    fields.append(("schedule_data[holiday_overrides]", overrides_json))
    fields += schedule if schedule is not None else schedule_fields(start=start, exceptions=exceptions)
    for kind, description, date, status, notes in events:
        fields += [("event_types[]", kind), ("event_descriptions[]", description), ("event_dates_input[]", date),
                   ("event_statuses[]", status), ("event_notes[]", notes)]
    fields += [("event_types[]", ""), ("event_descriptions[]", ""), ("event_dates_input[]", ""),
               ("event_statuses[]", "Pending"), ("event_notes[]", "")]
    for stop, restart in stops:
        fields += [("stop_dates[]", stop), ("restart_dates[]", restart)]
    fields += [("stop_dates[]", ""), ("restart_dates[]", "")]
    fields += [("seta_funded", seta_funded), ("seta_id", seta), ("exam_class", exam_class), ("exam_type", exam_type)]
    fields.append(("class_learners_data", learners_json if learners_json is not None else json.dumps(list(learners))))
    fields += [("exam_learner_select[]", e["id"]) for e in exam_learners]
    fields.append(("exam_learners", json.dumps(list(exam_learners))))
    for date, kind, officer in qa_rows:
        fields += [("qa_visit_dates[]", date), ("qa_visit_types[]", kind), ("qa_officers[]", officer)]
    fields += [("qa_visit_dates[]", ""), ("qa_visit_types[]", "Initial QA Visit"), ("qa_officers[]", "")]
    fields += [("qa_visits_data", qa_visits_data), ("qa_latest_documents", "[]")]
    fields += [("initial_class_agent", agent), ("initial_agent_start_date", agent_start)]
    for agent_id, date in replacements:
        fields += [("replacement_agent_ids[]", agent_id), ("replacement_agent_dates[]", date)]
    fields += [("replacement_agent_ids[]", ""), ("replacement_agent_dates[]", "")]
    fields.append(("project_supervisor", supervisor))
    for agent_id, date in backups:
        fields += [("backup_agent_ids[]", agent_id), ("backup_agent_dates[]", date)]
    fields += [("backup_agent_ids[]", ""), ("backup_agent_dates[]", "")]
    fields += [("exam_learner_count", str(len(exam_learners))), ("action", "save_class"), ("nonce", nonce)]
    return fields


def qa_files(*contents):
    """``qa_reports[]`` file parts: one per visit row in DOM order; None = a row without a new file
    (the browser sends an empty part), then the hidden template row's empty part."""
    parts = []
    for i, content in enumerate(contents):
        if content is None:
            parts.append(("qa_reports[]", ("", b"", "application/octet-stream")))
        else:
            parts.append(("qa_reports[]", (f"visit report {i}.pdf", content, "application/pdf")))
    parts.append(("qa_reports[]", ("", b"", "application/octet-stream")))
    return parts


def encode_multipart(fields, files=()):
    """(body, content type) as a browser would send FormData; for in-process parsing."""
    import secrets
    boundary = "----WebKitFormBoundary" + secrets.token_hex(8)
    out = bytearray()
    for name, value in fields:
        out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n').encode()
        out += value.encode("utf-8") + b"\r\n"
    for name, (filename, content, ctype) in files:
        out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f'Content-Type: {ctype}\r\n\r\n').encode()
        out += content + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"
