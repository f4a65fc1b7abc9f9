"""Allows `python -m papershelf`; it must do nothing but call the command line."""

from papershelf.cli.main import run

run()
