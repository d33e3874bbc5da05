"""``containerize verify``: build the container files of a project, run them, check they work.

run.py      one run, phase by phase (and the cleanup, whatever happens)
record.py   the run record: options, what the run created, the results and timings of each phase
project.py  the project folder, --generate, the CONTAINERIZE_PROVIDE hook
build.py    the build and its log, a failed build's Dockerfile line, the image's layers
compose.py  the compose model, the app service, the override (labels, ports, throwaway secrets)
start.py    backing services up, the app's container, waiting for its port or its exit
checks.py   HTTP answer, --expect, non-root, HEALTHCHECK, exit code
cache.py    the rebuild after a source edit: were the dependency steps cached?
cleanup.py  removing everything labelled with the run id; what --keep kept
docker.py   a thin wrapper around the docker CLI
buildlog.py reading ``docker build --progress=plain`` output (steps, cache hits, the failing step)
context.py  the temporary build context, the file touched for the cache check, manifest copies
probe.py    HTTP probes, listening sockets, the user a process runs as
report.py   the result as a table or JSON
command.py  the command line
k8s.py      --k8s: the pod specs of k8s/ run with Docker as Kubernetes would, and their probes
"""
