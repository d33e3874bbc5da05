"""Programs with no port that run until stopped (chat bots, pollers, schedulers): compose restarts them,
Kubernetes runs them as a Deployment with no Service (not a Job), inspect says so, and a one-shot script
stays a batch program."""
from __future__ import annotations

import pytest
import yaml

from containerize import render, report
from containerize.checklist import build_profile
from containerize.k8s import render_k8s
from projects import profile_of, write_tree


@pytest.mark.parametrize("deps, code, why", [
    ("discord.py", "import os, discord\nclient = discord.Client(intents=discord.Intents.default())\n"
                   "client.run(os.environ['DISCORD_TOKEN'])\n", "blocks in client.run()"),
    ("python-telegram-bot", "import os\nfrom telegram.ext import Application\n"
                            "def main():\n    app = Application.builder().token(os.environ['TOKEN']).build()\n"
                            "    app.run_polling()\nif __name__ == '__main__':\n    main()\n",
     "blocks in app.run_polling()"),
    ("discord.py", "from discord.ext import commands\nfrom config import bot\nbot.run('x')\n", "blocks in bot.run()"),
    ("apscheduler", "from apscheduler.schedulers.blocking import BlockingScheduler\n"
                    "sched = BlockingScheduler()\nsched.add_job(print, 'interval', seconds=5)\nsched.start()\n",
     "blocks in sched.start()"),
    ("", "import time\ndef tick():\n    print('tick')\ndef main():\n    while True:\n        tick()\n"
         "        time.sleep(1)\nif __name__ == '__main__':\n    main()\n", "loops until stopped (while True)"),
])
def test_a_program_that_runs_until_stopped(tmp_path, deps, code, why):
    profile = build_profile(write_tree(tmp_path, {"requirements.txt": deps + "\n", "bot.py": code,
                                                  "config.py": "bot = None\n"}))
    assert profile.entrypoint == ["python", "bot.py"] and not profile.ports and profile.long_running
    assert why in profile.evidence["long_running"][0].why
    assert report.rows(profile)[0] == ("server", "no (runs until stopped)", "", "")


@pytest.mark.parametrize("code", [
    "for name in ['a', 'b']:\n    print(name)\n",
    "import sys\nn = 0\nwhile n < 3:\n    n += 1\nprint(n)\n",
    "def forever():\n    while True:\n        pass\nprint('never calls it')\n",
])
def test_a_program_that_ends_by_itself_is_a_batch_program(tmp_path, code):
    profile = build_profile(write_tree(tmp_path, {"job.py": code}))
    assert profile.entrypoint == ["python", "job.py"] and not profile.long_running


def test_compose_restarts_it_and_kubernetes_runs_a_deployment_with_no_service():
    profile = profile_of("python-long-running")
    assert profile.long_running and profile.evidence["long_running"][0].line == 19
    files = render.render(profile)
    app = yaml.safe_load(files["compose.yaml"])["services"]["app"]
    assert app["restart"] == "unless-stopped" and "ports" not in app
    assert "runs until stopped and listens on no port" in files["README.Docker.md"]
    assert "HEALTHCHECK" not in files["Dockerfile"] and "EXPOSE" not in files["Dockerfile"]
    k8s = render_k8s(profile, "watcher", files["Dockerfile"])
    assert "k8s/deployment.yaml" in k8s and "k8s/service.yaml" not in k8s and "k8s/job.yaml" not in k8s
    deployment = yaml.safe_load(k8s["k8s/deployment.yaml"].split("\n", 1)[1])
    box = deployment["spec"]["template"]["spec"]["containers"][0]
    assert not {"ports", "livenessProbe", "readinessProbe"} & set(box)


def test_the_answer_can_be_given_either_way():
    assert not profile_of("python-long-running", long_running="false").long_running
    batch = profile_of("python-batch", long_running="true")
    assert batch.long_running and yaml.safe_load(render.render(batch)["compose.yaml"])["services"]["app"][
        "restart"] == "unless-stopped"


def _node(tmp_path, deps: dict, code: str, start: bool = True):
    import json

    pkg = {"name": "bot", "version": "1.0.0", "main": "index.js", "dependencies": deps}
    if start:
        pkg["scripts"] = {"start": "node index.js"}
    return build_profile(write_tree(tmp_path, {"package.json": json.dumps(pkg), "index.js": code}))


@pytest.mark.parametrize("deps, code, start, why", [
    ({"discord.js": "^14.15.0"}, "const { Client } = require('discord.js');\nconst client = new Client({intents: []});\n"
     "client.login(process.env.DISCORD_TOKEN);\n", True, "login() of discord.js"),
    ({"telegraf": "^4.16.0"}, "const { Telegraf } = require('telegraf');\nconst bot = new Telegraf(process.env.TOKEN);\n"
     "bot.launch();\n", True, "launch() of telegraf"),
    ({}, "setInterval(() => console.log('tick'), 1000);\n", False, "setInterval()"),
    # a queue consumer: for (;;) around a blocking pop, inside the async main the file calls
    ({"redis": "^4.6.0"}, "const { createClient } = require('redis');\nconst client = createClient();\n"
     "async function main() {\n  await client.connect();\n  for (;;) {\n    const item = await client.brPop('q', 0);\n"
     "    items.forEach((x) => { if (!x) return; });\n    switch (item) { case 1: break; }\n  }\n}\nmain();\n",
     True, "loops for ever"),
    ({}, "async function poll() {\n  while (true) {\n    await new Promise((r) => setTimeout(r, 1000));\n  }\n}\n"
     "poll();\n", False, "loops for ever"),
])
def test_a_node_program_with_no_port_that_keeps_running(tmp_path, deps, code, start, why):
    profile = _node(tmp_path, deps, code, start)
    assert profile.entrypoint == ["node", "index.js"] and profile.ports == [] and profile.long_running
    assert why in profile.evidence["long_running"][0].why


@pytest.mark.parametrize("code", [
    "let n = 0;\nfor (;;) {\n  n += 1;\n  if (n > 3) break;\n}\nconsole.log(n);\n",
    "function run() {\n  while (true) {\n    if (done()) return 1;\n  }\n}\nrun();\n",
    "while (1) {\n  if (Math.random() > 0.5) process.exit(0);\n}\n",
    "outer: for (;;) {\n  for (const x of [1, 2]) {\n    if (x) break outer;\n  }\n}\n",
    "while (0) {\n  console.log('never');\n}\n",
])
def test_a_node_loop_with_a_way_out_is_no_sign_of_a_long_running_program(tmp_path, code):
    profile = _node(tmp_path, {}, code, False)
    assert profile.ports == [] and not profile.long_running


def test_a_node_start_script_that_serves_http_is_still_a_server(tmp_path):
    profile = _node(tmp_path, {}, "require('http').createServer((q, s) => s.end('hi')).listen(8080);\n")
    assert profile.ports == [8080] and not profile.long_running
    one_shot = _node(tmp_path / "job", {}, "console.log('done');\n", start=False)
    assert one_shot.ports == [] and not one_shot.long_running
