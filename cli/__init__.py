"""The `papershelf` command line: argparse over the model API. No SQL here, no Qt except to launch the GUI."""
