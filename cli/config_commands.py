"""`papershelf config [KEY [VALUE]]`: list, read, set and unset the library's documented settings (lookup
endpoints, the contact e-mail Crossref is told, the lookup timeout, the citation-key pattern).

Settings live in the library file, so they travel with it; the environment variables named in the listing win
over them. Only documented keys can be set: a typo is refused instead of quietly stored.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from papershelf.cli.common import CommandError, open_library, print_json, run
from papershelf.lookup.service import SETTINGS, SettingError, clean_setting, setting_value
from papershelf.model.citekeys import DEFAULT_PATTERN, PatternError, check_pattern
from papershelf.model.library import Library
from papershelf.paths import library_path

CITEKEY_PATTERN = "citekey.pattern"
_CITEKEY_SETTING = "citekey_pattern"  # the library's own key (model/keys.py)


@dataclass(frozen=True)
class ConfigKey:
    name: str  # as typed on the command line
    setting: str  # the library's settings key
    env: str | None
    default: str | None
    help: str
    clean: Callable[[str], object]


def _citekey(value: str) -> str:
    try:
        check_pattern(value)
    except PatternError as error:
        raise SettingError(str(error)) from None
    return value


def _lookup_cleaner(key: str) -> Callable[[str], object]:
    return lambda value: clean_setting(key, value)


KEYS: tuple[ConfigKey, ...] = (
    *(ConfigKey(s.key, s.key, s.env, s.default, s.help, _lookup_cleaner(s.key)) for s in SETTINGS),
    ConfigKey(
        CITEKEY_PATTERN,
        _CITEKEY_SETTING,
        None,
        DEFAULT_PATTERN,
        "pattern for new papers' citation keys (existing keys change only with `papershelf rekey`)",
        _citekey,
    ),
)
_BY_NAME = {key.name: key for key in KEYS}


def register(subparsers: argparse._SubParsersAction) -> None:
    names = ", ".join(key.name for key in KEYS)
    p = subparsers.add_parser(
        "config",
        help="list, read, set or unset the library's settings",
        description="With no KEY, list every setting with its value and where the value comes from. With KEY, "
        "print its value; with KEY VALUE, store it in the library; --unset KEY goes back to the default. "
        f"Keys: {names}. An environment variable named in the listing wins over the library's value.",
    )
    p.add_argument("key", nargs="?", metavar="KEY", help="a setting's name, e.g. lookup.contact_email")
    p.add_argument("value", nargs="?", metavar="VALUE", help="the value to store")
    p.add_argument("--unset", action="store_true", help="forget the library's value for KEY")
    p.add_argument("--json", action="store_true", help="print the settings as JSON")
    p.set_defaults(func=run(cmd_config))


def _key(name: str) -> ConfigKey:
    key = _BY_NAME.get(name)
    if key is None:
        raise CommandError(f"unknown setting {name!r}; the settings are: {', '.join(_BY_NAME)}")
    return key


def current(library: Library | None, key: ConfigKey) -> tuple[str | None, str]:
    """The value in effect and where it comes from: environment, library, default or unset."""
    info = next((s for s in SETTINGS if s.key == key.setting), None)
    if info is not None:
        return setting_value(library, info)
    stored = library.get_setting(key.setting, None) if library is not None else None
    if stored not in (None, ""):
        return str(stored), "library"
    return (key.default, "default") if key.default is not None else (None, "unset")


@contextlib.contextmanager
def _reading(args: argparse.Namespace) -> Iterator[Library | None]:
    """The library opened read-only, or None when there is none yet (reading settings creates no file)."""
    if not library_path(getattr(args, "library", None)).exists():
        yield None
        return
    with open_library(args, read_only=True) as library:
        yield library


def cmd_config(args: argparse.Namespace) -> int:
    if args.unset and (args.key is None or args.value is not None):
        raise CommandError("--unset takes one KEY and no VALUE")
    if args.key is None:
        with _reading(args) as library:
            rows = [(key, *current(library, key)) for key in KEYS]
        if args.json:
            print_json({key.name: {"value": value, "from": origin, "env": key.env} for key, value, origin in rows})
            return 0
        for key, value, origin in rows:
            where = {"environment": f"  [from ${key.env}]", "library": "", "default": "  [default]", "unset": ""}[
                origin
            ]
            print(f"{key.name:<22} {value if value is not None else '(not set)'}{where}")
            print(f"{'':<22} {key.help}" + (f"; ${key.env} overrides it" if key.env else ""))
        return 0
    key = _key(args.key)
    if args.unset or args.value is not None:
        # Storing a value may create the library; forgetting one has nothing to forget in a library not made yet.
        with open_library(args, create=not args.unset) as library:
            if args.unset:
                library.set_setting(key.setting, None)
            else:
                try:
                    library.set_setting(key.setting, key.clean(args.value))
                except SettingError as error:
                    raise CommandError(str(error)) from None
            value, origin = current(library, key)
        if origin == "environment":
            print(f"note: ${key.env} is set, and wins over the library's value until it is unset")
        return 0
    with _reading(args) as library:
        value, origin = current(library, key)
    if args.json:
        print_json({"value": value, "from": origin, "env": key.env})
    elif value is not None:
        print(value)
    return 0 if value is not None else 1
