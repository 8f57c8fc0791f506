"""The development stack shared by the test suite, the bench and the demo (none of those three imports another):
database servers and databases, WordPress sites, the sidecar as a process or in process, nginx, a TCP proxy,
clients of admin-ajax.php and of the signed channel, a browser, and what the unchanged pages send."""
