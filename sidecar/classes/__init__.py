"""The Classes domain: schedules and calendars, holidays, notes, QA, the class form, LP creation."""
