"""Importers: bytes or text in, plain records out. Never opens the library and never imports Qt."""
