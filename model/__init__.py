"""The library: schema, migrations, all SQL, the model API, reconciliation, names and citation keys.

Never imports Qt or an importer module (records arrive as plain dataclasses through the pipeline).
"""

from papershelf.model.library import Library, LibraryError
from papershelf.model.types import Author, AuthorRef, Change, Paper, ProfileInfo, Source, SourceClaim, Tag

__all__ = [
    "Author",
    "AuthorRef",
    "Change",
    "Library",
    "LibraryError",
    "Paper",
    "ProfileInfo",
    "Source",
    "SourceClaim",
    "Tag",
]
