"""Writing generated files safely: never over an existing file without force,
and never half: every file goes to a temporary name first, then all are moved
into place."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


class WriteError(Exception):
    pass


def existing(root: Path, files: dict[str, str]) -> list[str]:
    return [name for name in files if (root / name).exists()]


def unchanged(root: Path, files: dict[str, str]) -> list[str]:
    same = []
    for name, text in files.items():
        try:
            if (root / name).read_text(encoding="utf-8") == text:
                same.append(name)
        except (OSError, UnicodeDecodeError):
            pass
    return same


def write_all(root: Path, files: dict[str, str], force: bool = False) -> list[str]:
    """Write every file or none; returns the names written."""
    clash = existing(root, files)
    if clash and not force:
        raise WriteError("already there: " + ", ".join(clash) + " (use --force to overwrite)")
    staged: list[tuple[str, Path]] = []
    backups: dict[Path, str] = {}
    placed: list[Path] = []
    try:
        for name, text in files.items():
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            staged.append((tmp, target))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o644)
        for tmp, target in staged:
            if target.exists():
                backups[target] = tmp + ".orig"
                os.link(target, backups[target])
            os.replace(tmp, target)
            placed.append(target)
    except BaseException as exc:  # Ctrl-C included: put everything back as it was
        for target in placed:
            if target in backups:
                os.replace(backups.pop(target), target)
            else:
                target.unlink(missing_ok=True)
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise WriteError(f"could not write to {root}: {exc.strerror or exc}") from None
        raise
    finally:
        for backup in backups.values():
            Path(backup).unlink(missing_ok=True)
    return list(files)
