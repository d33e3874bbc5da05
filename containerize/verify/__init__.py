"""``containerize verify``: build the container files of a project, run them, check they work.

docker.py   a thin wrapper around the docker CLI
buildlog.py reading ``docker build --progress=plain`` output (steps, cache hits, the failing step)
context.py  the temporary build context, the file touched for the cache check, manifest copies
probe.py    HTTP probes, listening sockets, the user a process runs as
session.py  one verification run: build, run with compose, probe, rebuild, clean up
report.py   the result as a table or JSON
command.py  the command line
"""
