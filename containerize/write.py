"""Writing generated files safely: never over an existing file without force,
and never half: every file goes to a temporary name first, then all are moved
into place; a failure or a Ctrl-C at any step puts back every file as it was.

Each temporary name (and each folder to create) is recorded *before* the call
that makes it, so an interrupt right after that call still finds and removes
it; every move is recorded before it happens for the same reason."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable


class WriteError(Exception):
    pass


def _token() -> str:
    """A random part for temporary names (secrets.token_hex without loading hashlib and hmac on every start)."""
    return os.urandom(8).hex()


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


def _encode(files: dict[str, str]) -> dict[str, bytes]:
    out = {}
    for name, text in files.items():
        try:
            out[name] = text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise WriteError(f"{name}: holds a character that isn't UTF-8 ({exc.object[exc.start:exc.end]!a}); "
                             "nothing was written") from None
    return out


def _each(steps: list[Callable[[], object]]) -> KeyboardInterrupt | None:
    """Run every step to its end: an OSError skips a step, a Ctrl-C retries it (a clean-up is never left
    half done); returns the first Ctrl-C, if any."""
    interrupted = None
    for step in steps:
        while True:
            try:
                step()
            except KeyboardInterrupt as exc:
                interrupted = interrupted or exc
                continue
            except OSError:
                pass
            break
    return interrupted


def _write_new(path: str, data: bytes, mode: int) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(path, mode)


def write_all(root: Path, files: dict[str, str], force: bool = False) -> list[str]:
    """Write every file or none; returns the names written."""
    clash = existing(root, files)
    if clash and not force:
        raise WriteError("already there: " + ", ".join(clash) + " (use --force to overwrite)")
    data = _encode(files)
    token = _token()
    staged: list[tuple[str, Path]] = []  # (temporary file, target), recorded before the file is made
    backups: dict[Path, str] = {}  # target -> a hard link to the file it replaces
    placed: list[Path] = []  # targets moved into place (recorded before the move)
    made: list[Path] = []  # folders this call creates (removed again when it fails)
    try:
        for name, content in data.items():
            target = root / name
            if os.path.isdir(target) and not os.path.islink(target):
                raise IsADirectoryError(21, f"{name} is a folder", str(target))
            missing = [d for d in (target.parent, *target.parent.parents) if not os.path.lexists(d)]
            made.extend(reversed(missing))
            target.parent.mkdir(parents=True, exist_ok=True)
            mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
            tmp = str(target.parent / f".{target.name}.{token}.tmp")
            staged.append((tmp, target))
            try:
                _write_new(tmp, content, mode)
            except FileExistsError:
                staged.pop()  # not ours: never removed
                raise
        for tmp, target in staged:
            if os.path.lexists(target):
                backups[target] = tmp + ".orig"
                try:
                    os.link(target, backups[target], follow_symlinks=False)
                except FileExistsError:
                    del backups[target]
                    raise
            placed.append(target)
            os.replace(tmp, target)
    except BaseException as exc:  # Ctrl-C included: put everything back as it was
        steps: list[Callable[[], object]] = []
        for target in reversed(placed):
            if target in backups:
                steps.append(lambda t=target, b=backups[target]: os.replace(b, t))
            else:
                steps.append(lambda t=target: t.unlink(missing_ok=True))
        # and every backup (a move onto a hard link of the same file does nothing, so one can still be there)
        steps += [lambda b=b: Path(b).unlink(missing_ok=True) for b in backups.values()]
        steps += [lambda t=tmp: Path(t).unlink(missing_ok=True) for tmp, _ in staged]
        steps += [folder.rmdir for folder in reversed(made)]
        _each(steps)
        if isinstance(exc, OSError):
            raise WriteError(f"could not write to {root}: {exc.strerror or exc}") from None
        raise
    # every file is in place: a Ctrl-C from here on changes nothing, the old copies are removed anyway
    _each([lambda b=b: Path(b).unlink(missing_ok=True) for b in backups.values()])
    return list(files)
