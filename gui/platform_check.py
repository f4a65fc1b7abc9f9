"""Checks, before Qt starts, that the window can open on this system, and names the packages that are missing.

Qt aborts the whole process (no exception to catch) when its X11 platform plugin cannot load, which on a fresh
Debian or Fedora is usually for want of a few xcb libraries. This module finds those libraries with `ldd` and
turns the gap into a message naming the packages to install. It imports no Qt module and changes nothing.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# The shared libraries Qt's xcb plugin loads beyond the base system, with the Debian/Ubuntu and Fedora packages
# that hold them.
XCB_LIBRARIES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-xinerama.so.0": ("libxcb-xinerama0", "libxcb"),
    "libxcb-xinput.so.0": ("libxcb-xinput0", "libxcb"),
    "libxcb-glx.so.0": ("libxcb-glx0", "libxcb"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
}
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)


def missing_from_ldd(output: str) -> list[str]:
    """The libraries `ldd` reports as not found, in order, each once."""
    return list(dict.fromkeys(_NOT_FOUND.findall(output)))


def install_advice(missing: list[str]) -> str:
    """The commands that install what is missing, for Debian/Ubuntu and Fedora."""
    debian = sorted({XCB_LIBRARIES.get(name, (name, name))[0] for name in missing})
    fedora = sorted({XCB_LIBRARIES.get(name, (name, name))[1] for name in missing})
    return f"Debian/Ubuntu: sudo apt install {' '.join(debian)}\nFedora: sudo dnf install {' '.join(fedora)}"


def chosen_platform(environ: dict[str, str] | None = None) -> str:
    """The Qt platform the app will use on Linux: QT_QPA_PLATFORM, else wayland or xcb as Qt picks them."""
    env = os.environ if environ is None else environ
    forced = env.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0].strip()
    if forced:
        return forced
    return "wayland" if env.get("WAYLAND_DISPLAY") and not env.get("DISPLAY") else "xcb"


def _qt_files() -> list[Path]:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return []
    root = Path(next(iter(spec.submodule_search_locations))) / "Qt"
    return [root / "plugins" / "platforms" / "libqxcb.so", *sorted((root / "lib").glob("libQt6XcbQpa.so*"))[:1]]


def display_problem(environ: dict[str, str] | None = None) -> str | None:
    """None when the window can open; else what is wrong and how to fix it, for the terminal."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux") or chosen_platform(env) != "xcb":
        return None
    if not env.get("DISPLAY"):
        return (
            "Papershelf cannot open its window: there is no display (DISPLAY is not set). Run it in a desktop "
            "session, under `xvfb-run`, or render pictures with `papershelf screenshot`."
        )
    ldd = shutil.which("ldd")
    files = [path for path in _qt_files() if path.exists()]
    if ldd is None or not files:
        return None  # nothing to check with: let Qt try
    missing: list[str] = []
    for path in files:
        try:
            result = subprocess.run([ldd, str(path)], capture_output=True, text=True, timeout=20, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        missing += missing_from_ldd(result.stdout)
    missing = list(dict.fromkeys(missing))
    if not missing:
        return None
    return (
        "Papershelf cannot open its window: Qt's X11 (xcb) platform needs system libraries that are not "
        f"installed ({', '.join(missing)}). Install them with:\n{install_advice(missing)}"
    )
