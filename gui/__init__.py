"""The desktop app: the only package that imports PySide6. Talks to the library through the model API."""
