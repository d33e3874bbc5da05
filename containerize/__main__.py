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
    main()


if __name__ == "__main__":
    run()
