"""``wecoza-sidecar explain-auth``: how the sidecar would judge one admin-ajax request's caller.

Exit status: 0 accepted (logged in, the nonce valid for an action when one is given, the
capability granted when one is given), 1 rejected, 2 usage or configuration error.
"""
from __future__ import annotations

import json
import sys

EXIT_ACCEPTED, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


def register(subparsers, load_config) -> None:
    parser = subparsers.add_parser(
        "explain-auth", help="explain step by step how a request's cookies, nonce and capability are judged",
        description=__doc__)
    parser.add_argument("--cookie-header", required=True, help="the raw Cookie header of the request")
    parser.add_argument("--nonce", help="the nonce the request carries")
    parser.add_argument("--action", action="append", default=[],
                        help="nonce action to accept (repeat for several); required with --nonce")
    parser.add_argument("--nonce-field", default="nonce",
                        help="request field holding the nonce (check_ajax_referer's query_arg; default nonce)")
    parser.add_argument("--https", action="store_true", help="the request came over HTTPS")
    parser.add_argument("--method", default="POST", choices=("GET", "POST"), help="request method (default POST)")
    parser.add_argument("--capability", help="capability the action requires, e.g. manage_learners")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=lambda args: run(args, load_config))


def run(args, load_config) -> int:
    if args.nonce is not None and not args.action:
        print("error: --nonce needs at least one --action", file=sys.stderr)
        return EXIT_USAGE
    from ..config import missing_settings
    try:
        config = load_config()
        missing = missing_settings(config, "wordpress")
        if missing:
            print("configuration error: " + "; ".join(missing), file=sys.stderr)
            return EXIT_USAGE
        wordpress = config.wordpress()
    except Exception as exc:  # noqa: BLE001 - any configuration problem is reported, not raised
        print(f"configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        result = wordpress.authenticate(
            cookie_header=args.cookie_header, https=args.https, method=args.method,
            params={args.nonce_field: args.nonce} if args.nonce is not None else {},
            nonce_actions=tuple(args.action) if args.nonce is not None else None,
            nonce_field=args.nonce_field, ajax=True)
    finally:
        wordpress.close()
    user = result.user
    reasons = [result.reason] if result.reason else []
    capability_ok = None
    if args.capability:
        capability_ok = bool(user and user.has_cap(args.capability))
        if user and not capability_ok:
            reasons.append(f"capability {args.capability} not granted")
    accepted = user is not None and result.reason is None and capability_ok is not False
    if args.json:
        print(json.dumps({
            "verdict": "accepted" if accepted else "rejected",
            "user_id": user.id if user else 0,
            "login": user.login if user else None,
            "roles": list(user.roles) if user else [],
            "capabilities": dict(user.allcaps) if user else {},
            "reasons": reasons,
        }, indent=2))
    else:
        for step, detail in result.steps:
            print(f"{step:>12}: {detail}")
        if capability_ok is not None:
            print(f"{'capability':>12}: {args.capability} {'granted' if capability_ok else 'not granted'}")
        who = f"user {user.id} ({user.login}), roles {', '.join(user.roles) or '(none)'}" if user else "not logged in"
        print(f"\n{'ACCEPTED' if accepted else 'REJECTED'}: {who}" + (f"; {'; '.join(reasons)}" if reasons else ""))
    return EXIT_ACCEPTED if accepted else EXIT_REJECTED
