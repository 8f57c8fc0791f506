"""The demo stack (``./scripts/demo.sh``): ``stack`` brings it up and down, ``data`` invents its learners and
classes, ``wecoza-demo/`` is the WordPress plugin with the demo page."""
