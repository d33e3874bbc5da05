import sys

try:
    from .cli import main
except KeyboardInterrupt:  # Ctrl-C while the modules load: nothing was written yet
    sys.stderr.write("containerize: interrupted; nothing was written\n")
    sys.exit(130)

main()
