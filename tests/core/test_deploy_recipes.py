"""The deployment recipes in deploy/ cannot be run here (no Docker engine, no systemd): what can be
checked without running them is checked: they parse, every command they run exists, every
variable they set is one the code reads, and the limits agree with the application's."""
import configparser
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SOURCE = "\n".join(p.read_text() for p in (ROOT / "src" / "vssid").rglob("*.py"))


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string((DEPLOY / "systemd" / name).read_text())
    return parser


def assert_vssid_command_exists(argv: list[str]) -> None:
    """`vssid NAME [SUBCOMMAND] ...`: NAME is a management command and accepts SUBCOMMAND."""
    assert argv[0].endswith("vssid"), argv
    name = argv[1]
    assert name in get_commands(), f"no `vssid {name}` command"
    command = load_command_class(get_commands()[name], name)
    parser = command.create_parser("vssid", name)
    if name not in ("web",):  # web passes its arguments on to gunicorn
        parser.parse_args(argv[2:])


def commands_in_compose() -> list[list[str]]:
    found = []
    for service in compose()["services"].values():
        command = service.get("command")
        if not command or "image" in service and service["image"].startswith(("postgres", "redis", "chrislusf")):
            continue
        text = " ".join(command)
        found += [chunk.split() for chunk in re.findall(r"vssid [a-z_-]+(?: [a-z-]+)?", text)] or [command]
    return found


def test_compose_has_the_whole_deployment():
    services = compose()["services"]
    assert {"postgres", "redis", "s3", "migrate", "web", "worker", "scheduled"} <= set(services)
    assert services["web"]["command"] == ["vssid", "web"]
    assert services["worker"]["command"] == ["vssid", "worker"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", "worker", "scheduled"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["build"]["dockerfile"] == "deploy/Dockerfile"
    assert "/readyz" in " ".join(services["web"]["healthcheck"]["test"])


@pytest.mark.parametrize("argv", commands_in_compose(), ids=" ".join)
def test_every_command_of_the_compose_file_exists(argv):
    assert_vssid_command_exists(argv)


def test_every_variable_the_recipes_set_is_read_by_the_code():
    environment = compose()["x-vssid"]["environment"]
    environment |= compose()["services"]["web"]["environment"]
    for name in (DEPLOY / "systemd" / "vssid-web.service").read_text().split():
        if "=" in name and name.split("=")[0].isupper():
            environment[name.split("=")[0]] = ""
    unread = [name for name in environment if f'"{name}"' not in SOURCE and f"'{name}'" not in SOURCE]
    assert unread == []


@pytest.mark.parametrize("name", ["vssid-web.service", "vssid-worker@.service", "vssid-scheduled.service"])
def test_systemd_units_run_existing_commands_as_an_unprivileged_user(name):
    service = unit(name)["Service"]
    assert service["User"] == "vssid" and service["NoNewPrivileges"] == "yes"
    for line in (DEPLOY / "systemd" / name).read_text().splitlines():
        if line.startswith("ExecStart="):
            argv = line.removeprefix("ExecStart=").split()
            assert argv[0] == "/opt/vssid/venv/bin/vssid"
            assert_vssid_command_exists([a.replace("%H-%i", "host-1") for a in argv])


def test_systemd_accepts_every_unit(tmp_path):
    """systemd's own checker, with the install path pointing at this checkout's `vssid`."""
    installed = str(Path(sys.executable).with_name("vssid"))
    for path in (DEPLOY / "systemd").iterdir():
        (tmp_path / path.name).write_text(path.read_text().replace("/opt/vssid/venv/bin/vssid", installed))
    units = sorted(str(path) for path in tmp_path.iterdir())
    checked = subprocess.run(["systemd-analyze", "verify", "--man=no", *units], capture_output=True, text=True,
                             timeout=60)
    assert (checked.returncode, checked.stderr) == (0, "")


def test_the_web_service_listens_on_a_socket_systemd_holds_across_restarts():
    socket_unit, service = unit("vssid-web.socket"), unit("vssid-web.service")
    assert socket_unit["Socket"]["ListenStream"] == "127.0.0.1:8000"
    assert "vssid-web.socket" in service["Unit"]["Requires"]
    # The workers are forked from a master that loaded the code, so a reload could not bring new code.
    assert "ExecReload" not in service["Service"]
    assert service["Service"]["Type"] == "notify"
    upstream = re.search(r"upstream vssid_web \{\s*server ([0-9.:]+);", (DEPLOY / "nginx" / "vssid.conf").read_text()).group(1)
    assert upstream == socket_unit["Socket"]["ListenStream"]


def test_the_timer_starts_the_scheduled_jobs():
    assert unit("vssid-scheduled.timer")["Timer"]["OnUnitActiveSec"] == "5min"
    assert "run-scheduled" in (DEPLOY / "systemd" / "vssid-scheduled.service").read_text()


def test_the_dockerfile_builds_a_production_image():
    text = (DEPLOY / "Dockerfile").read_text()
    instructions = [line.split(None, 1) for line in text.splitlines() if line and not line.startswith((" ", "#"))]
    assert instructions[0] == ["FROM", "python:3.11-slim"]
    users = [args for op, args in instructions if op == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert 'CMD ["vssid", "web"]' in text
    assert re.search(r"pip install \.", text) and re.search(r"vssid collectstatic --noinput", text)
    # collectstatic runs before the image switches to production (no secret is needed to build).
    assert text.index("collectstatic") < text.index("VSSID_ENV=production")


def test_nginx_accepts_what_the_photos_step_sends():
    text = (DEPLOY / "nginx" / "vssid.conf").read_text()
    limit = int(re.search(r"client_max_body_size (\d+)m;", text).group(1)) * 1024 * 1024
    assert limit >= 3 * settings.VSSID_PHOTO_MAX_BYTES
    assert "proxy_set_header X-Request-ID $request_id;" in text
    assert "$request_uri" not in text.split("log_format", 1)[1].split(";", 1)[0]  # no paths in the log
