import sys


def run() -> None:
    """The ``containerize`` command: ``--version`` is answered before the command line (typer, click)
    loads, a third of start-up; everything else is ``cli.main``."""
    if sys.argv[1:] == ["--version"]:
        from . import __version__

        sys.stdout.write(f"containerize {__version__}\n")
        sys.exit(0)
    try:
        from .cli import main
    except KeyboardInterrupt:  # Ctrl-C while the modules load: nothing was written yet
        sys.stderr.write("containerize: interrupted; nothing was written\n")
        sys.exit(130)
    try:
        main()
    except SystemExit as done:
        _exit(done.code)
    _exit(0)


def _exit(code: object) -> None:
    """Exit without tearing down the interpreter's objects one by one: a large project leaves millions of
    parse-tree nodes, and freeing them at exit costs as long as a tenth of the whole run. Exit handlers
    (``atexit``, ``weakref.finalize``) still run and the output is flushed first; every file the command
    wrote is closed and in place by now."""
    import atexit
    import os

    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): printed, status 1, as Python does
        sys.stderr.write(f"{code}\n")
        status = 1
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, OSError):  # the reader went away (`| head`): nothing more to say
        status = status or 1
    os._exit(status & 0xFF if status >= 0 else 1)


if __name__ == "__main__":
    run()
