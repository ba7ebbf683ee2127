"""`python -m handover.console [serve]` runs the console; the other commands manage accounts.

    adduser <staff_name> --role staff|supervisor|coordinator [--password-stdin]
    passwd  <staff_name> [--password-stdin]     (also ends the user's logins and lifts a lockout)
    deluser <staff_name>                        (also ends the user's logins)
    revoke  <staff_name>                        (ends every login of the user, on every device)
    unlock  <staff_name>                        (lifts a login lockout)

The password is asked twice at a prompt, or read as one line from stdin (for scripts).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Sequence

import redis.asyncio as aioredis
from aiohttp import web
from pydantic import ValidationError

from flows.logging import configure_logging
from flows.settings import ConfigError
from handover.console.accounts import ROLES, AccountError, Accounts, normalise_staff_name
from handover.console.app import create_app
from handover.console.guard import LoginGuard
from handover.console.services import build_services
from handover.console.settings import ConsoleSettings


def load_settings() -> ConsoleSettings:
    try:
        return ConsoleSettings()
    except (ValidationError, ConfigError) as error:
        problems = error.errors() if isinstance(error, ValidationError) else [{"msg": str(error)}]
        for problem in problems:
            print(f"Configuration error: {problem['msg']}", file=sys.stderr)
        raise SystemExit(2) from None


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise SystemExit("The two passwords differ; nothing was changed.")
    return first


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m handover.console", description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = top.add_subparsers(dest="command")
    commands.add_parser("serve", help="run the console (the default)")
    add = commands.add_parser("adduser", help="create a staff account")
    add.add_argument("staff_name")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--password-stdin", action="store_true")
    change = commands.add_parser("passwd", help="set a new password")
    change.add_argument("staff_name")
    change.add_argument("--password-stdin", action="store_true")
    for name, text in (("deluser", "delete an account"), ("revoke", "end all logins of a user"),
                       ("unlock", "lift a login lockout")):
        commands.add_parser(name, help=text).add_argument("staff_name")
    return top


async def manage(settings: ConsoleSettings, args: argparse.Namespace) -> str:
    redis = aioredis.from_url(settings.redis_url, decode_responses=True)
    try:
        services = build_services(settings, redis)
        accounts: Accounts = services.accounts
        guard: LoginGuard = services.guard
        name = normalise_staff_name(args.staff_name)
        if args.command == "adduser":
            account = await accounts.add(name, args.role, read_password(args.password_stdin))
            return f"Created {account.staff_name} ({account.role})."
        if args.command == "passwd":
            await accounts.set_password(name, read_password(args.password_stdin))
            ended = await services.logins.revoke(name)
            await guard.unlock(name)
            return f"New password for {name}; {ended} login(s) ended."
        if args.command == "deluser":
            ended = await services.logins.revoke(name)
            if not await accounts.delete(name):
                raise AccountError(f"there is no user {name!r}")
            return f"Deleted {name}; {ended} login(s) ended."
        if args.command == "revoke":
            return f"Ended {await services.logins.revoke(name)} login(s) of {name}."
        await guard.unlock(name)
        return f"Unlocked {name}."
    finally:
        await redis.aclose()


def serve(settings: ConsoleSettings) -> None:
    configure_logging(settings.log_level)
    app = create_app(settings)
    print(f"Tryggchatt console: {settings.public_url}/", flush=True)
    # No access log: it would write staff IP addresses and conversation URLs to disk.
    web.run_app(app, host=settings.console_host, port=settings.console_port,
                print=None, access_log=None)


def main(argv: Sequence[str] | None = None) -> None:
    args = parser().parse_args(argv)
    settings = load_settings()
    if args.command in (None, "serve"):
        serve(settings)
        return
    try:
        print(asyncio.run(manage(settings, args)))
    except (AccountError, ValueError) as error:
        raise SystemExit(f"Error: {error}") from None


if __name__ == "__main__":
    main()
