"""The learners domain: SQL, shapes and rules, with no HTTP in it."""
