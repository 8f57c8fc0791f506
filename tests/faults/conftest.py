from tests.learners.conftest import ajax, db, learners, sessions, uploads_root  # noqa: F401
from tests.learners.test_forms_e2e import page  # noqa: F401
