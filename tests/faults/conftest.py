from tests.learners.conftest import ajax, db, learners  # noqa: F401
from tests.learners.test_forms_e2e import page  # noqa: F401
