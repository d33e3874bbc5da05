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
    # lexists: a dangling symlink is there too (writing through it would create its target)
    return [name for name in files if os.path.lexists(root / name)]


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
    made: list[Path] = []  # folders this call created (removed again when it fails)
    try:
        for name, text in files.items():
            target = root / name
            if os.path.isdir(target) and not os.path.islink(target):
                raise IsADirectoryError(21, f"{name} is a folder", str(target))
            missing = [d for d in (target.parent, *target.parent.parents) if not os.path.lexists(d)]
            target.parent.mkdir(parents=True, exist_ok=True)
            made.extend(reversed(missing))
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            staged.append((tmp, target))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o644)
        for tmp, target in staged:
            if os.path.lexists(target):
                backups[target] = tmp + ".orig"
                os.link(target, backups[target], follow_symlinks=False)
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
        for folder in reversed(made):
            try:
                folder.rmdir()
            except OSError:
                pass
        if isinstance(exc, OSError):
            raise WriteError(f"could not write to {root}: {exc.strerror or exc}") from None
        raise
    finally:
        for backup in backups.values():
            Path(backup).unlink(missing_ok=True)
    return list(files)
