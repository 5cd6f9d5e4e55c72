"""Terraform checks that run without the Google provider (which cannot be downloaded here):
formatting/syntax through ``terraform fmt``, project rules on the HCL parsed by python-hcl2
(v8 keeps the quotes around labels and string values), and the function packager."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import hcl2
import pytest

REPO = Path(__file__).resolve().parents[2]
INFRA = REPO / "infra"
TF_FILES = sorted(INFRA.rglob("*.tf"))
TFVARS = sorted(INFRA.rglob("*.tfvars"))
# project-wide grants that have no narrower resource (each justified in iam.tf)
PROJECT_IAM_ALLOWED = {"firestore_users", "mailbox_secrets"}
# alert messages whose log line the code does not emit yet (the periodic health sweep);
# the test below fails once it does, so this list cannot go stale
ALERTS_AWAITING_CODE: set[str] = set()  # "stale": logged by the watcher's supervisor


def _load(path: Path) -> dict[str, Any]:
    with path.open() as f:
        data: dict[str, Any] = hcl2.load(f)
    return data


def _unquote(value: Any) -> Any:
    return value.strip('"') if isinstance(value, str) else value


def _resources(path: Path) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(type, name, body) of every resource block in a file."""
    for block in _load(path).get("resource", []):
        for rtype, named in block.items():
            for name, body in named.items():
                yield _unquote(rtype), _unquote(name), body


def _all_resources() -> list[tuple[Path, str, str, dict[str, Any]]]:
    return [(p, t, n, b) for p in TF_FILES for t, n, b in _resources(p)]


def _functions() -> dict[str, dict[str, Any]]:
    local = _load(INFRA / "functions.tf")["locals"][0]["all_functions"]
    return {name: {k: _unquote(v) for k, v in body.items()} for name, body in local.items()}


def _tfvars(path: Path) -> dict[str, Any]:
    return {k: v for k, v in _load(path).items() if not k.startswith("__")}


def _packager() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "package_function", INFRA / "scripts" / "package_function.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_terraform_fmt_check_passes() -> None:
    terraform = shutil.which("terraform")
    if terraform is None:
        if os.environ.get("CI") == "true":
            pytest.fail("terraform is not installed")
        pytest.skip("terraform is not installed")
    env = {k: v for k, v in os.environ.items() if k != "TF_CLI_CONFIG_FILE"}
    env["CHECKPOINT_DISABLE"] = "1"
    result = subprocess.run(
        [terraform, "fmt", "-check", "-recursive", str(INFRA)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_variable_is_typed_and_described() -> None:
    seen = 0
    for path in TF_FILES:
        for block in _load(path).get("variable", []):
            for name, body in block.items():
                seen += 1
                assert "type" in body, f"{path.name}: variable {name} has no type"
                assert _unquote(body.get("description")), (
                    f"{path.name}: variable {name} undescribed"
                )
    assert seen >= 25


def test_tfvars_set_only_declared_variables() -> None:
    declared = {
        _unquote(name) for block in _load(INFRA / "variables.tf")["variable"] for name in block
    }
    for path in TFVARS:
        unknown = set(_tfvars(path)) - declared
        assert not unknown, f"{path.name} sets undeclared {unknown}"


def _oauth_client_secrets() -> set[str]:
    secrets = _load(INFRA / "secrets.tf")["resource"][0]['"google_secret_manager_secret"']
    return set(re.findall(r'"(mailingest-[a-z0-9-]+)"', secrets['"oauth_clients"']["for_each"]))


def test_project_wide_grants_are_only_the_justified_ones() -> None:
    found = {n for _, t, n, _ in _all_resources() if t == "google_project_iam_member"}
    assert found == PROJECT_IAM_ALLOWED
    bodies = {n: b for _, t, n, b in _all_resources() if t == "google_project_iam_member"}
    assert _unquote(bodies["firestore_users"]["role"]) == "roles/datastore.user"
    # the secret grants are the project's only because the secrets are created at run time;
    # each is conditioned on one kind's name prefix, which no OAuth client secret matches
    condition = bodies["mailbox_secrets"]["condition"][0]["expression"]
    assert "local.secret_conditions[each.value.kind]" in condition
    conditions = str(_load(INFRA / "iam.tf")["locals"][0]["secret_conditions"])
    assert "startsWith" in conditions
    assert "${local.secrets_prefix}${prefix}" in conditions
    local = _load(INFRA / "iam.tf")["locals"][0]
    prefixes = {_unquote(k): _unquote(v) for k, v in local["secret_prefixes"].items()}
    clients = _oauth_client_secrets()
    assert clients
    assert not [(c, p) for c in clients for p in prefixes.values() if c.startswith(p)]


def test_no_authoritative_iam_and_every_grant_cites_its_doc() -> None:
    grants = 0
    for path in TF_FILES:
        lines = path.read_text().splitlines()
        for i, line in enumerate(lines):
            match = re.match(r'resource "(google_\w+_iam_(member|binding|policy))"', line)
            if not match:
                continue
            grants += 1
            assert match.group(2) == "member", f"{path.name}:{i + 1} is authoritative"
            above = []
            for prev in reversed(lines[:i]):
                if not prev.startswith("#"):
                    break
                above.append(prev)
            assert any("https://" in c for c in above), f"{path.name}:{i + 1} has no doc link"
    assert grants >= 10


def test_functions_are_only_made_by_the_module_with_their_own_identity() -> None:
    outside = [
        (p.name, n)
        for p, t, n, _ in _all_resources()
        if t.startswith("google_cloudfunctions") and "modules" not in p.parts
    ]
    assert outside == []
    module = dict((t, b) for t, _, b in _resources(INFRA / "modules" / "function" / "main.tf"))
    assert "google_service_account" in module
    function = module["google_cloudfunctions2_function"]
    own = "${google_service_account.this.email}"
    assert function["service_config"][0]["service_account_email"] == own
    trigger = function["dynamic"][0]['"event_trigger"']["content"][0]
    assert trigger["service_account_email"] == own
    # one module instance (so one service account) per function
    call = _load(INFRA / "functions.tf")["module"][0]['"functions"']
    assert call["for_each"] == "${local.functions}"


def test_service_account_ids_are_valid_and_distinct_in_every_env() -> None:
    names = list(_functions())
    for env in ("dev", "staging", "prod"):
        ids = [f"mailingest-{env}-{n.replace('_', '-')}"[:30] for n in names]
        ids += [f"mailingest-{env}-watcher", f"mailingest-{env}-scheduler"]
        assert len(set(ids)) == len(ids), ids
        for account_id in ids:
            assert re.fullmatch(r"[a-z][a-z0-9-]{4,28}[a-z0-9]", account_id), account_id


def test_event_triggered_functions_retry() -> None:
    module = dict((t, b) for t, _, b in _resources(INFRA / "modules" / "function" / "main.tf"))
    dynamic = module["google_cloudfunctions2_function"]["dynamic"][0]['"event_trigger"']
    assert dynamic["for_each"] == '${var.trigger == "pubsub" ? [1] : []}'
    assert _unquote(dynamic["content"][0]["retry_policy"]) == "RETRY_POLICY_RETRY"
    variables = {
        _unquote(k): v
        for b in _load(INFRA / "modules" / "function" / "variables.tf")["variable"]
        for k, v in b.items()
    }
    # no other trigger kind can slip past the retry rule
    assert variables["trigger"]["validation"][0]["condition"] == (
        '${contains(["http", "pubsub"], var.trigger)}'
    )
    for name, fn in _functions().items():
        assert (fn["trigger"] == "pubsub") == (fn["topic"] is not None), name


def test_only_the_graph_webhook_is_public_and_iap_pages_cannot_be_bypassed() -> None:
    functions = _functions()
    assert {n for n, f in functions.items() if f["public"]} == {"graph_webhook"}
    assert {n for n, f in functions.items() if f["ingress"] == "ALLOW_ALL"} == {"graph_webhook"}
    # the pages trust IAP's identity header, so only the load balancer may reach them
    for name in ("settings", "oauth", "oauth_callback"):
        assert functions[name]["ingress"] == "ALLOW_INTERNAL_AND_GCLB", name
    routes = _load(INFRA / "iap.tf")["locals"][0]["iap_routes"]
    assert set(routes) == {"settings", "oauth", "oauth_callback"}


def test_iap_pages_are_told_the_audience_of_the_signed_header() -> None:
    # shared/web/identity.py refuses to start without MAILINGEST_IAP_AUDIENCE: each IAP page
    # gets its backend service's audience, and the NEG names the service without a cycle
    iap = _load(INFRA / "iap.tf")
    audience = iap["locals"][0]["iap_audience"]
    assert "/global/backendServices/" in audience
    assert "generated_id" in audience
    functions_tf = (INFRA / "functions.tf").read_text()
    assert "MAILINGEST_IAP_AUDIENCE = lookup(local.iap_audience, each.key" in functions_tf
    negs = [b for t, _, b in _resources(INFRA / "iap.tf") if t.endswith("network_endpoint_group")]
    assert negs
    assert all("module.functions" not in str(b) for b in negs)


def test_scheduled_jobs_target_http_functions_with_oidc() -> None:
    functions = _functions()
    schedules = _load(INFRA / "scheduler.tf")["locals"][0]["all_schedules"]
    assert set(schedules) == {"renew_watches", "refresh_tokens", "resync"}
    for name, job in schedules.items():
        assert functions[_unquote(job["target"])]["trigger"] == "http", name
    job = next(b for t, _, b in _resources(INFRA / "scheduler.tf") if t.endswith("_job"))
    assert "oidc_token" in job["http_target"][0]


def test_deployed_functions_have_their_entry_point_in_the_source() -> None:
    functions = _functions()
    for path in TFVARS:
        for name in (_unquote(n) for n in _tfvars(path).get("deployed_functions", [])):
            assert name in functions, f"{path.name}: unknown function {name}"
            main = REPO / "functions" / functions[name]["source"] / "main.py"
            assert main.is_file(), f"{path.name}: {main} is missing"
            assert f"def {functions[name]['entry_point']}(" in main.read_text(), name


def test_secret_env_vars_name_secrets_that_terraform_creates() -> None:
    text = (INFRA / "environment.tf").read_text()
    referenced = set(re.findall(r'= "(mailingest-[a-z0-9-]+)"', text))
    assert referenced
    assert referenced <= _oauth_client_secrets()


def test_no_secret_values_in_terraform() -> None:
    # names that carry a value when they end like this (MAILINGEST_SECRETS_BACKEND does not)
    secretish = re.compile(r"(password|secret|token|_key|secret_data|credentials?)$", re.I)
    reference = re.compile(r"^(mailingest-[a-z0-9-]+|\$\{.*\}|)$")
    for path in [*TF_FILES, *TFVARS]:
        text = path.read_text()
        assert "-----BEGIN" not in text, f"{path} holds a key"
        assert not re.search(r"\bya29\.|\b1//0|\bAIza[0-9A-Za-z_-]{20}", text), path
        for key, value in re.findall(r'^\s*"?([A-Za-z_][\w-]*)"?\s*=\s*"([^"]*)"', text, re.M):
            if secretish.search(key):
                assert reference.match(value), f"{path.name}: {key} holds a value, not a reference"
    for path in TFVARS:
        assert not [k for k in _tfvars(path) if secretish.search(k)], path


def test_alerts_count_log_lines_the_code_writes() -> None:
    messages = _load(INFRA / "monitoring.tf")["locals"][0]["alert_messages"]
    code = "\n".join(p.read_text() for p in (REPO / "shared").rglob("*.py"))
    for name, message in messages.items():
        logged = f'"{_unquote(message)}"' in code
        if name in ALERTS_AWAITING_CODE:
            assert not logged, f"{name} is logged now: drop it from ALERTS_AWAITING_CODE"
        else:
            assert logged, f"alert {name}: no code logs {message}"


def test_the_watcher_is_always_on() -> None:
    worker = _load(INFRA / "worker.tf")["resource"][0]
    service = next(iter(worker.values()))
    body = next(iter(service.values()))
    template = body["template"][0]
    container = template["containers"][0]
    assert container["resources"][0]["cpu_idle"] is False
    variables = {
        _unquote(k): v for b in _load(INFRA / "variables.tf")["variable"] for k, v in b.items()
    }
    assert variables["watcher_min_instances"]["default"] >= 1


def _fake_repo(root: Path) -> None:
    (root / "functions" / "demo").mkdir(parents=True)
    (root / "functions" / "demo" / "main.py").write_text("def demo(request): ...\n")
    (root / "shared" / "devstack").mkdir(parents=True)
    (root / "shared" / "__pycache__").mkdir()
    (root / "shared" / "__init__.py").write_text("")
    (root / "shared" / "devstack" / "dovecot.py").write_text("# dev only\n")
    (root / "shared" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    (root / "requirements.txt").write_text("functions-framework==3.10.2\n")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_package_is_deterministic_and_holds_the_runtime_layout(tmp_path: Path) -> None:
    packager = _packager()
    root = tmp_path / "repo"
    _fake_repo(root)
    first = packager.build(root, "demo", tmp_path / "a")
    with zipfile.ZipFile(first) as archive:
        assert archive.namelist() == ["main.py", "requirements.txt", "shared/__init__.py"]
    # new timestamps and modes, same content: same hash (Terraform does not redeploy)
    for path in root.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
    (root / "shared" / "__init__.py").chmod(0o600)
    assert _sha(packager.build(root, "demo", tmp_path / "b")) == _sha(first)
    # changed code: new hash (Terraform uploads a new object and redeploys)
    (root / "shared" / "__init__.py").write_text("VERSION = 2\n")
    assert _sha(packager.build(root, "demo", tmp_path / "c")) != _sha(first)


def test_package_refuses_a_function_without_main(tmp_path: Path) -> None:
    packager = _packager()
    _fake_repo(tmp_path)
    assert packager.main(["missing", "--root", str(tmp_path)]) == 2
    assert not (tmp_path / "build" / "functions").exists()


def test_every_function_in_the_repository_is_deployed_and_every_deployed_one_exists() -> None:
    """functions/ and the environments cannot drift apart."""
    import re

    functions = _functions()
    sources = {p.parent.name for p in (REPO / "functions").glob("*/main.py")}
    assert {f["source"] for f in functions.values()} == sources
    for name, spec in functions.items():
        main = (REPO / "functions" / spec["source"] / "main.py").read_text()
        assert f"def {spec['entry_point']}(" in main, name
    declared = {
        (p.parent.name, m.group(1))
        for p in (REPO / "functions").glob("*/main.py")
        for m in re.finditer(r"@functions_framework\.\w+\n(?:@\w+\n)*def (\w+)\(", p.read_text())
    }
    assert declared == {(f["source"], f["entry_point"]) for f in functions.values()}
    for path in TFVARS:
        deployed = {_unquote(n) for n in _tfvars(path).get("deployed_functions", [])}
        assert deployed == set(functions), (
            f"{path.name} does not deploy {set(functions) - deployed}"
        )


def test_the_filtered_recent_events_queries_have_their_composite_indexes() -> None:
    """The Firestore emulator serves any query without an index; production refuses one whose
    composite index is missing. Each filter the settings page can combine (mailbox, label,
    both: shared/adapters/firestore/recent_events.py) has (filters, at desc, __name__ desc)."""
    data = _load(INFRA / "firestore.tf")
    combos = {
        _unquote(name): sorted(_unquote(f) for f in fields)
        for local in data["locals"]
        for name, fields in local.get("recent_event_filters", {}).items()
    }
    assert sorted(combos.values()) == [
        ["mailbox_id"],
        ["mailbox_id", "shown_label"],
        ["shown_label"],
    ]
    (index,) = [
        b
        for _, t, n, b in _all_resources()
        if (t, n) == ("google_firestore_index", "recent_events")
    ]
    assert (_unquote(index["collection"]), _unquote(index["query_scope"])) == (
        "events",
        "COLLECTION",
    )
    (dynamic,) = index["dynamic"]
    (content,) = dynamic['"fields"']["content"]
    assert _unquote(content["order"]) == "ASCENDING"
    tail = [(_unquote(f["field_path"]), _unquote(f["order"])) for f in index["fields"]]
    assert tail == [("at", "DESCENDING"), ("__name__", "DESCENDING")]
    adapter = (REPO / "shared/adapters/firestore/recent_events.py").read_text()
    for field in ("mailbox_id", "shown_label"):
        assert f'FieldFilter("{field}", "==",' in adapter


def test_the_public_graph_webhook_reads_no_secret_and_is_granted_none() -> None:
    """What graph_webhook reads, from the code: its endpoint is built from the state store
    and a queue only (no secret store), and its secret env vars from functions.tf. It is
    granted exactly that: no secret env var, no Secret Manager grant of any kind (the
    passwords' name-prefix grants and the per-secret grants leave it out)."""
    import inspect

    from shared.bootstrap import build_graph_webhook
    from shared.web.graph_webhook import GraphWebhookEndpoint

    parameters = inspect.signature(GraphWebhookEndpoint.__init__).parameters
    annotations = {str(p.annotation) for n, p in parameters.items() if n != "self"}
    assert not any("Secret" in a for a in annotations), annotations
    assert "secrets" not in inspect.getsource(build_graph_webhook)
    main = (REPO / "functions" / "graph_webhook" / "main.py").read_text()
    assert "secret" not in main.lower()
    # its environment has no secret group, and no grant of any kind names it
    env = _load(INFRA / "environment.tf")["locals"][0]
    groups = [_unquote(g) for g in env["process_env"]["graph_webhook"]]
    assert not set(groups) & {_unquote(g) for g in env["secret_env_groups"]}
    local = _load(INFRA / "iam.tf")["locals"][0]
    assert "graph_webhook" not in {_unquote(k) for k in local["mailbox_secret_access"]}
    # the per-secret grants come from the processes' secret environments only
    assert "local.process_secret_env" in local["client_secret_grants"]
    secret_grants = [
        b for _, t, _n, b in _all_resources() if t.startswith("google_secret_manager_secret_iam")
    ]
    assert secret_grants
    assert all("graph_webhook" not in str(b) for b in secret_grants)


def test_the_graph_webhook_url_is_known_before_apply() -> None:
    """The processes are told graph_webhook's URL in the apply that creates it: Cloud Run's
    deterministic URL of the function's service (named as the function), computed from the
    function's name, the project number and the region — not read back from the function."""
    functions_tf = _load(INFRA / "functions.tf")
    names = functions_tf["locals"][0]["function_names"]
    assert "local.name" in names
    assert functions_tf["module"][0]['"functions"']["name"] == "${local.function_names[each.key]}"
    env = _load(INFRA / "environment.tf")["locals"][0]
    url = _unquote(env["graph_webhook_url"])
    assert url == (
        'https://${local.function_names["graph_webhook"]}'
        "-${data.google_project.this.number}.${var.region}.run.app"
    )
    assert "module.functions" not in str(env)  # nothing known only after apply
    chosen = _unquote(env["graph_notification_url"])
    assert "local.graph_webhook_url" in chosen
    assert "var.graph_notification_url" in chosen  # an override, empty by default
    core = env["env_groups"]["core"]
    assert core["MAILINGEST_GRAPH_NOTIFICATION_URL"] == "${local.graph_notification_url}"
    variables = {
        _unquote(k): v for b in _load(INFRA / "variables.tf")["variable"] for k, v in b.items()
    }
    assert _unquote(variables["graph_notification_url"]["default"]) == ""
    for path in TFVARS:
        assert "graph_notification_url" not in _tfvars(path), path
    outputs = {_unquote(k): v for b in _load(INFRA / "outputs.tf")["output"] for k, v in b.items()}
    assert "local.graph_notification_url" in outputs["graph_notification_url"]["value"]
    deploy = (REPO / "docs" / "deploy.md").read_text()
    assert "deploy again" not in deploy
