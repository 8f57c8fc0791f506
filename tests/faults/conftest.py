from tests.learners.conftest import ajax, db, learners, routed, sessions, uploads_root  # noqa: F401
