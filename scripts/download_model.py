#!/usr/bin/env python3
"""Download the small English Vosk model (about 40 MB) once, on a computer with internet, check
its checksum, and install it for the guide. The guide itself never uses the network.

Run, from any folder: scripts/download_model.py [--to DIR] [--keep-zip]  (in the guide's folder)
Without internet: copy the zip from a USB stick and run `voice-guide models install FILE.zip`.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
# Run as printed (by the system's python3), it moves into the guide's own environment, where the
# guide's packages are; and `voice` is always this folder's.
if __name__ == "__main__" and (VENV / "bin" / "python").exists() and Path(sys.prefix).resolve() != VENV.resolve():
    os.execv(VENV / "bin" / "python", [str(VENV / "bin" / "python"), __file__, *sys.argv[1:]])
sys.path.insert(0, str(ROOT))
try:
    from voice.errors import GuideError
    from voice.hearing import models
except ImportError as exc:
    sys.exit(f"The guide is not set up yet ({exc}). First run: {ROOT / 'scripts' / 'setup.sh'}")

URL = f"https://alphacephei.com/vosk/models/{models.SMALL_ENGLISH}.zip"
# SHA-256 of that archive as published and pinned by other projects that install it.
SHA256 = "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498"


def download(url: str, target: Path) -> str:
    """Fetch `url` to `target` with a progress bar; returns the SHA-256 of what arrived."""
    digest = hashlib.sha256()
    with urllib.request.urlopen(url, timeout=60) as response, open(target, "wb") as out:
        total = int(response.headers.get("Content-Length") or 0)
        done = 0
        while chunk := response.read(1 << 16):
            out.write(chunk)
            digest.update(chunk)
            done += len(chunk)
            if total:
                filled = int(30 * done / total)
                print(
                    f"\r  [{'#' * filled}{'.' * (30 - filled)}] {done / total:4.0%} of {total >> 20} MB",
                    end="",
                    file=sys.stderr,
                    flush=True,
                )
    print(file=sys.stderr)
    return digest.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--to", type=Path, help="install into this folder (default: the user's model folder)")
    parser.add_argument("--keep-zip", action="store_true", help="keep the zip (e.g. to copy to a USB stick)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        archive = Path(scratch) / f"{models.SMALL_ENGLISH}.zip"
        print(f"Downloading {URL}", file=sys.stderr)
        try:
            got = download(URL, archive)
        except OSError as exc:
            print(
                f"Download failed ({exc}). Check the internet connection, or copy the model from a USB "
                f"stick and run: voice-guide models install FILE.zip",
                file=sys.stderr,
            )
            return 1
        if got != SHA256:
            print(f"The download is damaged or not the expected file (checksum {got}). Try again.", file=sys.stderr)
            return 1
        try:
            target = models.install(archive, args.to)
        except GuideError as exc:
            print(exc, file=sys.stderr)
            return 1
        if args.keep_zip:
            kept = Path.cwd() / archive.name
            kept.write_bytes(archive.read_bytes())
            print(f"Kept {kept}", file=sys.stderr)
    print(f"Installed {target.name} in {target.parent}. The guide will use it the next time it starts.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
