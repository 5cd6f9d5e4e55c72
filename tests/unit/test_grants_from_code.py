"""What each deployed process is granted and told is what its code needs — read from the code,
not from a list kept by hand.

For every entry point ``infra/`` deploys (each function's ``functions/<source>/main.py`` entry,
and the watcher's ``containers/watcher/main.py``), ``tests/unit/code_reach.py`` follows the
code it can run (mypy's types; see there how calls are followed) and collects what it
touches: the per-mailbox secrets it reads, writes, destroys or deletes (the kind from the type
of each name, ``shared/secret_names.py``; the permissions from the Secret Manager calls
``shared/adapters/secrets/secret_manager.py`` makes), the topics it publishes to (the setting
each Pub/Sub publisher is built from), the raw bucket, Firestore; and the settings it reads
(``shared/config.py``'s readers it reaches, recorded by ``EnvReader``) and uses. Then
``infra/`` must grant each identity exactly that and give each process exactly those settings:
nothing missing, nothing broader."""

from __future__ import annotations

import ast
import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import hcl2
import pytest
from mypy.types import Instance, NoneType, UnionType, get_proper_type

from shared import config, secret_names
from shared.config import EnvReader
from tests.unit.code_reach import Code, PortCall, Program, Reach

REPO = Path(__file__).resolve().parents[2]
INFRA = REPO / "infra"
WATCHER = "watcher"
PUBSUB_SINK = "shared.adapters.pubsub.sink.PubSubEventSink"
PUBLISHING_PORTS = (
    "shared.ports.EventSink",
    "shared.ports.DoorbellQueue",
    "shared.ports.TaskQueue",
)
# Secret Manager's permission for each RPC (the client library's method names)
# https://cloud.google.com/secret-manager/docs/access-control#permissions
RPC_PERMISSIONS = {
    "create_secret": "secretmanager.secrets.create",
    "add_secret_version": "secretmanager.versions.add",
    "access_secret_version": "secretmanager.versions.access",
    "get_secret": "secretmanager.secrets.get",
    "list_secret_versions": "secretmanager.versions.list",
    "destroy_secret_version": "secretmanager.versions.destroy",
    "delete_secret": "secretmanager.secrets.delete",
}
# Cloud Storage: what the adapter's client calls do; the predefined role that covers them
# https://cloud.google.com/storage/docs/access-control/iam-roles
BUCKET_ROLES = {
    frozenset({"write"}): "roles/storage.objectUser",  # an upload may replace: create+delete
    frozenset({"read", "write"}): "roles/storage.objectUser",
    frozenset({"read"}): "roles/storage.objectViewer",
}
STATE_PORTS_OF = "shared.ports.StateStore"


# -- Terraform ------------------------------------------------------------------------------


def _load(name: str) -> dict[str, Any]:
    with (INFRA / name).open() as f:
        data: dict[str, Any] = hcl2.load(f)
    return data


def _unquote(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip('"')
    if isinstance(value, list):
        return [_unquote(v) for v in value]
    if isinstance(value, dict):
        return {_unquote(k): _unquote(v) for k, v in value.items()}
    return value


def _locals(name: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for block in _load(name).get("locals", []):
        merged.update({k: _unquote(v) for k, v in block.items()})
    return merged


@cache
def _deployed() -> dict[str, tuple[str, str]]:
    """process -> (module, entry function) for every function functions.tf can deploy, and
    the watcher."""
    functions = _locals("functions.tf")["all_functions"]
    found = {
        name: (f"functions.{spec['source']}.main", spec["entry_point"])
        for name, spec in functions.items()
    }
    found[WATCHER] = ("containers.watcher.main", "main")
    return found


def _process_env() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """process -> its plain environment and its secret environment (variable -> secret), as
    environment.tf composes them from its groups."""
    env = _locals("environment.tf")
    plain: dict[str, dict[str, str]] = {}
    secret: dict[str, dict[str, str]] = {}
    for process, groups in env["process_env"].items():
        plain[process] = {k: v for g in groups for k, v in env["env_groups"].get(g, {}).items()}
        secret[process] = {
            k: v for g in groups for k, v in env["secret_env_groups"].get(g, {}).items()
        }
    # the pages behind IAP are told their backend's audience (functions.tf, iap.tf)
    for page in _locals("iap.tf")["iap_routes"]:
        plain[page]["MAILINGEST_IAP_AUDIENCE"] = "${local.iap_audience[each.key]}"
    return plain, secret


# -- the code -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def program() -> Program:
    return Program()


@pytest.fixture(scope="module")
def reaches(program: Program) -> dict[str, Reach]:
    found = {}
    for process, (module, entry) in _deployed().items():
        roots: list[Code] = [program.function(f"{module}.{entry}"), program.module(module)]
        found[process] = program.reach(roots)
    return found


def _secret_permissions() -> dict[str, set[str]]:
    """SecretStore operation -> the permissions of the calls the Secret Manager adapter makes."""
    tree = ast.parse((REPO / "shared/adapters/secrets/secret_manager.py").read_text())
    store = next(
        n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "SecretManagerStore"
    )
    found: dict[str, set[str]] = {}
    for method in store.body:
        if isinstance(method, ast.FunctionDef) and not method.name.startswith("_"):
            found[method.name] = {
                RPC_PERMISSIONS[node.func.attr]
                for node in ast.walk(method)
                if isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in RPC_PERMISSIONS
            }
    return found


def _kinds(call: PortCall) -> set[str]:
    """The kinds of secret a call's name argument may be, from its type (a union: each)."""
    typ = get_proper_type(call.arg_types[0]) if call.arg_types else None
    items = [get_proper_type(t) for t in typ.items] if isinstance(typ, UnionType) else [typ]
    kinds = {
        secret_names.KIND_OF_TYPE.get(getattr(secret_names, t.type.name, None))
        if isinstance(t, Instance) and t.type.module_name == secret_names.__name__
        else None
        for t in items
        if not isinstance(t, NoneType)
    }
    unknown = f"line {call.call.line}: which kind of secret does {call.method} name?"
    assert kinds, unknown
    assert None not in kinds, f"{unknown} (build it with shared/secret_names.py)"
    return {k for k in kinds if k is not None}


def _secrets_touched(reach: Reach) -> dict[str, set[str]]:
    """kind -> the SecretStore operations the process calls on it."""
    found: dict[str, set[str]] = defaultdict(set)
    for call in reach.port_calls:
        if call.port == "shared.ports.SecretStore":
            for kind in _kinds(call):
                found[kind].add(call.method)
    return dict(found)


def _bucket_touched(reach: Reach) -> frozenset[str]:
    kinds = {"put_blob": "write", "put_blob_stream": "write", "get_blob": "read"}
    return frozenset(
        kinds[c.method]
        for c in reach.port_calls
        if c.port == "shared.ports.BlobStore" and c.method in kinds
    )


def _touches_state(program: Program, reach: Reach) -> bool:
    info = program.class_info(STATE_PORTS_OF)
    state_ports = {base.fullname for base in info.mro} | {"shared.ports.MailboxFeed"}
    return any(c.port in state_ports for c in reach.port_calls)


def _publishes(program: Program, reach: Reach) -> set[str]:
    """The ports of the publishes it makes (events sink, doorbell queue, task queue). A call that an
    implementation of the port makes on the port it wraps (a sink in front of a sink) is the
    publish of its caller, already counted where the caller calls the port: a protocol call
    reaches every implementation, so a wrapper built for one process would otherwise lend its
    inner publishes to every process that publishes through any such port."""
    return {
        c.port
        for c in reach.port_calls
        if c.method in ("publish", "submit")
        and c.port in PUBLISHING_PORTS
        and not _forwarding(program, c)
    }


def _forwarding(program: Program, call: PortCall) -> bool:
    owner = getattr(call.where, "info", None)
    implementations = program.implementations(program.class_info(call.port))
    return owner is not None and any(owner is impl for impl in implementations)


def _publisher_topics(program: Program, reach: Reach) -> dict[str, tuple[str, str]]:
    """port -> the settings field (class, attribute) the topic of its Pub/Sub publisher is
    built from, for each publisher the process builds."""
    found: dict[str, tuple[str, str]] = {}
    for cls, call, where in reach.constructions:
        if cls != PUBSUB_SINK:
            continue
        port = program.destination(call, where)
        topic = next(
            (a for a, n in zip(call.args, call.arg_names, strict=True) if n == "topic"),
            call.args[1] if len(call.args) > 1 else None,
        )
        assert port is not None, f"line {call.line}: a publisher for which port?"
        assert topic is not None, f"line {call.line}: a publisher of which topic?"
        found[port] = program.field_of(topic)
    return found


# -- the settings -------------------------------------------------------------------------


def _readers(program: Program, reach: Reach) -> list[type]:
    """The settings groups of shared/config.py whose reader the process runs."""
    groups = [
        c
        for c in vars(config).values()
        if isinstance(c, type) and c.__module__ == config.__name__ and hasattr(c, "read")
    ]
    assert len(groups) >= 3
    return [
        c for c in groups if program.function(f"{config.__name__}.{c.__name__}.read") in reach.code
    ]


def _reads(reader: type, env: dict[str, str]) -> tuple[config.EnvReader, Any]:
    r = EnvReader(env)
    value = reader.read(r)  # type: ignore[attr-defined]
    return r, value


def _fields(value: Any, owner: str = "") -> Iterator[tuple[tuple[str, str], Any]]:
    """((class, attribute), value) of a settings object and of the groups inside it."""
    for f in dataclasses.fields(value):
        item = getattr(value, f.name)
        yield (f"{type(value).__module__}.{type(value).__qualname__}", f.name), item
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            yield from _fields(item)


@cache
def _variables_of(reader: type) -> dict[tuple[str, str], str]:
    """settings field -> the variable it is read from: each variable read with a value of its
    own, then found in the fields (so no mapping is written down anywhere)."""
    r, _ = _reads(reader, {})
    marked = {name: f"«{name}»" for name in r.reads}
    _, value = _reads(reader, marked)
    return {
        where: name
        for where, item in _fields(value)
        for name, mark in marked.items()
        if str(item) in (mark, mark.lower())
    }


def _secret_valued(reader: type) -> set[str]:
    """Variables whose value is a secret: read into a field never shown (``repr=False``)."""
    _, value = _reads(reader, {})
    variables = _variables_of(reader)
    hidden = {
        (f"{c.__module__}.{c.__qualname__}", f.name)
        for c in _dataclasses_in(value)
        for f in dataclasses.fields(c)
        if not f.repr
    }
    return {variables[w] for w in hidden if w in variables}


def _dataclasses_in(value: Any) -> list[type]:
    found = [type(value)]
    for f in dataclasses.fields(value):
        item = getattr(value, f.name)
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            found.extend(_dataclasses_in(item))
    return found


def _placeholder(value: str) -> str:
    """A Terraform value as the process sees it: literals as they are, references as some
    non-empty text."""
    return "x" if "${" in value else value


# -- the tests ------------------------------------------------------------------------------


def test_each_identity_is_granted_exactly_the_secrets_its_code_touches(
    reaches: dict[str, Reach],
) -> None:
    iam = _locals("iam.tf")
    assert iam["secret_prefixes"] == secret_names.PREFIXES
    permissions = _secret_permissions()
    operations = {op: set(perms) for op, perms in iam["secret_operations"].items()}
    assert operations == {op: permissions[op] for op in operations}
    granted = {
        who: {k: set(ops) for k, ops in kinds.items()}
        for who, kinds in iam["mailbox_secret_access"].items()
    }
    wrong = []
    for process, reach in reaches.items():
        touched = _secrets_touched(reach)
        if touched != granted.get(process, {}):
            wrong.append(f"{process}: code {touched}, infra {granted.get(process, {})}")
    assert not wrong, "\n".join(wrong)
    assert set(granted) <= set(reaches)


def test_no_page_and_no_public_function_can_read_a_password(reaches: dict[str, Reach]) -> None:
    """The pages store what an admin typed; the public webhook reads nothing: none of them
    matches the password namespace with a read (a compromised page cannot read every tenant's
    passwords)."""
    public = {n for n, f in _locals("functions.tf")["all_functions"].items() if f["public"]}
    pages = set(_locals("iap.tf")["iap_routes"])
    access = _locals("iam.tf")["mailbox_secret_access"]
    for process in public | pages:
        assert "get_secret" not in access.get(process, {}).get("password", []), process
        assert "get_secret" not in _secrets_touched(reaches[process]).get("password", set())
    for process in public:
        assert process not in access
        assert _secrets_touched(reaches[process]) == {}


def test_each_identity_publishes_exactly_where_its_code_does(
    program: Program, reaches: dict[str, Reach]
) -> None:
    plain, _ = _process_env()
    publishers = _locals("iam.tf")["topic_publishers"]
    wrong = []
    for process, reach in reaches.items():
        topics = _publisher_topics(program, reach)
        wanted = set()
        for port in _publishes(program, reach):
            assert port in topics, f"{process}: publishes through {port}, built from nothing"
            variable = _variables_of(config.Settings)[topics[port]]
            value = plain[process].get(variable, "")
            match = re.fullmatch(r"\$\{google_pubsub_topic\.(\w+)\.name\}", value)
            assert match, f"{process}: {variable} is {value!r}, not a topic infra creates"
            wanted.add(match.group(1))
        granted = {topic for topic, who in publishers.items() if process in who}
        if wanted != granted:
            wrong.append(f"{process}: code publishes to {wanted}, infra grants {granted}")
    assert not wrong, "\n".join(wrong)


def test_each_identity_gets_the_raw_bucket_and_firestore_as_its_code_uses_them(
    program: Program, reaches: dict[str, Reach]
) -> None:
    iam = _locals("iam.tf")
    roles = iam["bucket_roles"]
    wrong = []
    for process, reach in reaches.items():
        used = _bucket_touched(reach)
        role = BUCKET_ROLES.get(used)
        granted = roles.get(iam["raw_bucket_access"].get(process, ""))
        if role != granted:
            wrong.append(f"{process}: code {set(used)} needs {role}, infra grants {granted}")
        assert _touches_state(program, reach), process  # datastore.user for every identity
    assert not wrong, "\n".join(wrong)


def test_each_process_is_told_what_its_code_reads_and_needs(
    program: Program, reaches: dict[str, Reach]
) -> None:
    """The readers a process runs must accept what infra gives it (every problem they would
    report at start-up is a failure here); every setting it uses whose value would otherwise be
    empty, and every topic it names, is set; nothing it never reads and nothing for local runs
    only is set; secret values come from Secret Manager exactly for the variables that hold
    secrets."""
    plain, secret = _process_env()
    wrong = []
    for process, reach in reaches.items():
        env = {k: _placeholder(v) for k, v in plain[process].items()}
        env |= dict.fromkeys(secret[process], "x")
        readers = _readers(program, reach)
        read: dict[str, config.Read] = {}
        for reader in readers:
            r, value = _reads(reader, env)
            read |= r.reads
            wrong += [f"{process}: {p}" for p in r.problems]
            for where, item in _fields(value):
                variable = _variables_of(reader).get(where)
                # used: read outside shared/config.py (whose readers look up the defaults)
                used = reach.fields_read.get(where, set()) - {config.__name__}
                if variable is None or not used:
                    continue
                how = r.reads[variable]
                if how.local:
                    continue
                if item in ("", None):
                    wrong.append(f"{process}: uses {variable}, which infra leaves empty")
                if how.kind == "topic" and variable not in plain[process]:
                    wrong.append(f"{process}: uses topic {variable} without infra naming it")
        told = set(plain[process]) | set(secret[process])
        wrong += [f"{process}: told {v}, never read" for v in sorted(told - set(read))]
        wrong += [
            f"{process}: told {v}, local only" for v in sorted(told) if v in read and read[v].local
        ]
        hidden = set().union(*(_secret_valued(reader) for reader in readers)) if readers else set()
        hidden = {v for v in hidden if not read[v].local}
        if set(secret[process]) != hidden:
            wrong.append(f"{process}: secret env {set(secret[process])}, code reads {hidden}")
        assert not hidden & set(plain[process]), f"{process}: a secret value in plain env"
    assert not wrong, "\n".join(wrong)
