"""What an entry point can reach in our code, read from the code with mypy's types: the
functions it may run, the ports it calls (and with which kind of secret name), the settings
fields it reads. No cloud, no network: ``tests/unit/test_grants_from_code.py`` compares what
this finds with what ``infra/`` grants and sets.

How calls are followed (sound for the shapes this code base uses, an over-approximation
elsewhere):

- a call of a function or class is an edge to it (a class: its ``__init__``);
- a method call is resolved by the receiver's static type; on a ``Protocol`` it reaches every
  class of ours that implements the protocol (so a port's call reaches its adapters), on a
  class, the method and every override below it; reading a property runs its getter;
- a function, bound method or lambda used as a *value* is not run where it is mentioned: it
  flows (through arguments, attributes, returns, locals, containers) to where something calls
  it — our code calling a parameter or an attribute that holds it, or a library it is handed
  to (which may call it at any time);
- only the functions an entry point reaches add flows, so what one process wires (a push
  started by an admin page) does not leak into another that never calls it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mypy import build
from mypy.main import process_options
from mypy.nodes import (
    ARG_NAMED,
    ARG_NAMED_OPT,
    ARG_POS,
    ARG_STAR,
    ARG_STAR2,
    AssignmentStmt,
    CallExpr,
    ConditionalExpr,
    Decorator,
    DictExpr,
    Expression,
    ForStmt,
    FuncDef,
    IndexExpr,
    LambdaExpr,
    ListExpr,
    MemberExpr,
    MypyFile,
    NameExpr,
    Node,
    OpExpr,
    OverloadedFuncDef,
    RefExpr,
    ReturnStmt,
    SetExpr,
    SuperExpr,
    SymbolNode,
    TupleExpr,
    TypeInfo,
    Var,
)
from mypy.subtypes import is_protocol_implementation
from mypy.types import (
    CallableType,
    Instance,
    TupleType,
    Type,
    TypeType,
    UnionType,
    get_proper_type,
)
from mypy.typevars import fill_typevars_with_any

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("shared", "functions", "containers")

Code = FuncDef | LambdaExpr | MypyFile  # a body that runs: a function, a lambda, a module
Slot = tuple[str, ...]  # where a callable can be kept: ("param", f, name), ("attr", cls, name)…
Source = Code | Slot  # a callable itself, or a slot whose callables flow on


@dataclass
class PortCall:
    """A reachable call of a port's method: ``port`` the protocol's full name."""

    port: str
    method: str
    call: CallExpr
    where: Code
    arg_types: list[Type | None]


@dataclass
class Reach:
    code: set[Code] = field(default_factory=set)
    port_calls: list[PortCall] = field(default_factory=list)
    # (class, attribute) read -> the modules whose code reads it
    fields_read: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    # objects of ours it makes: (class, the call, where)
    constructions: list[tuple[str, CallExpr, Code]] = field(default_factory=list)


def _name(code: Code) -> str:
    if isinstance(code, LambdaExpr):
        return f"<lambda line {code.line}>"
    return code.fullname


class _Body:
    """What one body does, as written (before any resolution)."""

    def __init__(self) -> None:
        self.calls: list[CallExpr] = []
        self.members: list[MemberExpr] = []  # read, not called
        self.assigns: list[tuple[Expression, Expression]] = []
        self.returns: list[Expression] = []
        self.loops: list[tuple[Expression, Expression]] = []


# the attributes of mypy's nodes that hold the nodes below them (mypy's own traverser is
# compiled and cannot be subclassed here)
_CHILDREN = (
    "decorators",
    "defs",
    "body",
    "else_body",
    "finally_body",
    "handlers",
    "types",
    "vars",
    "expr",
    "exprs",
    "lvalues",
    "rvalue",
    "index",
    "callee",
    "args",
    "left",
    "right",
    "operands",
    "base",
    "begin_index",
    "end_index",
    "stride",
    "if_expr",
    "else_expr",
    "items",
    "sequences",
    "condlists",
    "indices",
    "left_expr",
    "key",
    "value",
    "generator",
    "target",
    "from_expr",
    "msg",
    "call",
    "subject",
    "bodies",
    "guards",
    "values",
    "func",
)


class _Collector:
    """Each body's calls, member reads, assignments, returns and loops, in one pass."""

    def __init__(self, module: MypyFile, bodies: dict[Code, _Body], modules: dict[Code, str]):
        self.stack: list[Code] = [module]
        self.bodies = bodies
        self.modules = modules
        self.name = module.fullname
        bodies[module] = _Body()
        modules[module] = module.fullname
        for statement in module.defs:
            self.visit(statement)

    @property
    def body(self) -> _Body:
        return self.bodies[self.stack[-1]]

    def visit(self, node: object, *, callee: bool = False) -> None:
        if isinstance(node, list | tuple):
            for item in node:
                self.visit(item)
            return
        if not isinstance(node, Node):
            return
        if isinstance(node, FuncDef | LambdaExpr):
            for arg in node.arguments:
                if arg.initializer is not None:
                    self.visit(arg.initializer)
            self.bodies[node] = _Body()
            self.modules[node] = self.name
            self.stack.append(node)
            self.visit(node.body)
            self.stack.pop()
            return
        if isinstance(node, OverloadedFuncDef):
            self.visit(list(node.items))
            if node.impl is not None:
                self.visit(node.impl)
            return
        if isinstance(node, CallExpr):
            self.body.calls.append(node)
            self.visit(node.callee, callee=True)
            self.visit(node.args)
            return
        if isinstance(node, MemberExpr) and not callee:
            self.body.members.append(node)
        elif isinstance(node, AssignmentStmt):
            for lvalue in node.lvalues:
                self.body.assigns.append((lvalue, node.rvalue))
        elif isinstance(node, ReturnStmt) and node.expr is not None:
            self.body.returns.append(node.expr)
        elif isinstance(node, ForStmt):
            self.body.loops.append((node.index, node.expr))
        for name in _CHILDREN:
            child = getattr(node, name, None)
            if child is not None and not isinstance(child, str | int | float | bool | bytes):
                self.visit(child)


class Program:
    """Our packages, type-checked once; ``reach`` answers per entry point."""

    def __init__(self, root: Path = REPO) -> None:
        files = [str(p) for pkg in PACKAGES for p in sorted((root / pkg).rglob("*.py"))]
        sources, options = process_options(
            [*files, "--explicit-package-bases", "--follow-imports=skip"],
            require_targets=False,
        )
        options.export_types = True
        options.incremental = False
        options.preserve_asts = True
        result = build.build(sources, options)
        self.types: dict[Expression, Type] = result.types
        self.modules = {
            name: tree
            for name, tree in result.files.items()
            if name.split(".")[0] in PACKAGES and tree.path.startswith(str(root))
        }
        self.bodies: dict[Code, _Body] = {}
        self.module_of: dict[Code, str] = {}
        for module in self.modules.values():
            _Collector(module, self.bodies, self.module_of)
        # a parameter's variable -> its function (a lambda's parameters are its own)
        self.param_of: dict[int, Code] = {
            id(arg.variable): code
            for code in self.bodies
            if isinstance(code, FuncDef | LambdaExpr)
            for arg in code.arguments
        }
        self.classes = [info for module in self.modules.values() for info in _all_classes(module)]
        self._impls: dict[str, list[TypeInfo]] = {}

    # -- lookups ---------------------------------------------------------------------------

    def function(self, fullname: str) -> FuncDef:
        module, _, name = fullname.rpartition(".")
        while module not in self.modules:
            module, _, outer = module.rpartition(".")
            name = f"{outer}.{name}"
        node: SymbolNode | None = self.modules[module].names[name.split(".")[0]].node
        for part in name.split(".")[1:]:
            assert isinstance(node, TypeInfo), fullname
            node = node.names[part].node
        if isinstance(node, Decorator):
            node = node.func
        assert isinstance(node, FuncDef), fullname
        return node

    def class_info(self, fullname: str) -> TypeInfo:
        return next(c for c in self.classes if c.fullname == fullname)

    def field_of(self, expr: Expression) -> tuple[str, str]:
        """(class, attribute) an attribute read reads."""
        assert isinstance(expr, MemberExpr), expr
        (info, _), *_ = self.receivers(expr.expr)
        return _owner(info, expr.name), expr.name

    def module(self, name: str) -> MypyFile:
        return self.modules[name]

    def ours(self, node: SymbolNode | None) -> bool:
        if isinstance(node, FuncDef):
            return node in self.bodies  # nested functions have no package in their name
        return node is not None and node.fullname.split(".")[0] in PACKAGES

    def implementations(self, protocol: TypeInfo) -> list[TypeInfo]:
        if protocol.fullname not in self._impls:
            wanted = _instance(protocol)
            assert wanted is not None
            found = []
            for info in self.classes:
                if info.is_protocol or not self.ours(info):
                    continue
                candidate = _instance(info)
                if candidate is not None and is_protocol_implementation(candidate, wanted):
                    found.append(info)
            self._impls[protocol.fullname] = found
        return self._impls[protocol.fullname]

    def methods(self, info: TypeInfo, name: str) -> tuple[list[Code], str | None]:
        """What ``x.name(...)`` may run for ``x`` of type ``info``, and the protocol it is
        declared on (when the receiver is one)."""
        defined = info.get(name)
        found: list[Code] = []
        target = _code_of(defined.node if defined else None)
        if target is not None and self.ours(target):
            found.append(target)
        below = self.implementations(info) if info.is_protocol else self._subclasses(info)
        for other in below:
            own = other.get(name)
            code = _code_of(own.node if own else None)
            if code is not None and self.ours(code) and code not in found:
                found.append(code)
        port = info.fullname if info.is_protocol and self.ours(info) else None
        return found, port

    def _subclasses(self, info: TypeInfo) -> list[TypeInfo]:
        return [c for c in self.classes if c is not info and info in c.mro]

    def destination(self, expr: Expression, code: Code) -> str | None:
        """The declared type ``expr`` is given to: the return type when ``code`` returns it,
        the annotated variable's when it is assigned to one."""
        body = self.bodies[code]
        if any(r is expr for r in body.returns) and isinstance(code, FuncDef):
            declared = (
                get_proper_type(code.type.ret_type) if isinstance(code.type, CallableType) else None
            )
            return declared.type.fullname if isinstance(declared, Instance) else None
        for lvalue, rvalue in body.assigns:
            if rvalue is expr and isinstance(lvalue, NameExpr) and isinstance(lvalue.node, Var):
                declared = get_proper_type(lvalue.node.type) if lvalue.node.type else None
                return declared.type.fullname if isinstance(declared, Instance) else None
        return None

    def type_of(self, expr: Expression) -> Type | None:
        found = self.types.get(expr)
        return get_proper_type(found) if found is not None else None

    def receivers(self, expr: Expression) -> list[tuple[TypeInfo, bool]]:
        """The classes ``expr`` may be an instance of (True: the class object itself)."""
        typ = self.type_of(expr)
        items = typ.items if isinstance(typ, UnionType) else [typ]
        found: list[tuple[TypeInfo, bool]] = []
        for item in (get_proper_type(i) for i in items):
            if isinstance(item, Instance):
                found.append((item.type, False))
            elif isinstance(item, TypeType) and isinstance(item.item, Instance):
                found.append((item.item.type, True))
            elif isinstance(item, CallableType) and item.is_type_obj():
                found.append((item.type_object(), True))
        return found

    # -- reachability ----------------------------------------------------------------------

    def reach(self, roots: Iterable[Code]) -> Reach:
        return _Walk(self).run(list(roots))


def _all_classes(module: MypyFile) -> Iterator[TypeInfo]:
    """The classes defined in a module, nested ones included."""
    seen: set[int] = set()
    todo = [sym.node for sym in module.names.values()]
    while todo:
        node = todo.pop()
        if not isinstance(node, TypeInfo) or id(node) in seen:
            continue
        if node.module_name != module.fullname:
            continue
        seen.add(id(node))
        yield node
        todo.extend(sym.node for sym in node.names.values())


def _instance(info: TypeInfo) -> Instance | None:
    typ = get_proper_type(fill_typevars_with_any(info))
    if isinstance(typ, TupleType):
        typ = typ.partial_fallback
    return typ if isinstance(typ, Instance) else None


def _code_of(node: SymbolNode | None) -> FuncDef | None:
    if isinstance(node, Decorator):
        return node.func
    if isinstance(node, OverloadedFuncDef):
        impl = node.impl
        if isinstance(impl, Decorator):
            return impl.func
        return impl if isinstance(impl, FuncDef) else None
    return node if isinstance(node, FuncDef) else None


def _is_property(node: SymbolNode | None) -> bool:
    if isinstance(node, Decorator):
        if node.var.is_property or node.func.is_property:
            return True
        return any(
            isinstance(d, NameExpr | MemberExpr) and d.name == "cached_property"
            for d in node.decorators
        )
    if isinstance(node, OverloadedFuncDef):
        return node.is_property
    return isinstance(node, FuncDef) and node.is_property


class _Walk:
    def __init__(self, program: Program) -> None:
        self.p = program
        self.reached: set[Code] = set()
        self.flows: dict[Slot, set[Source]] = defaultdict(set)  # slot ⊇ sources
        self.invoked: dict[Code, set[Source]] = defaultdict(set)  # code calls these
        self.result = Reach()

    def run(self, roots: list[Code]) -> Reach:
        todo = list(roots)
        while True:
            while todo:
                code = todo.pop()
                if code in self.reached:
                    continue
                self.reached.add(code)
                todo.extend(self._visit(code))
            # callables that flowed to something a reached body calls are reached too
            more = {
                c
                for where in list(self.reached)
                for c in self._callables(self.invoked.get(where, set()))
                if c not in self.reached
            }
            if not more:
                break
            todo.extend(more)
        self.result.code = set(self.reached)
        return self.result

    def _callables(self, sources: Iterable[Source]) -> set[Code]:
        seen: set[Slot] = set()
        found: set[Code] = set()
        todo = list(sources)
        while todo:
            source = todo.pop()
            if isinstance(source, tuple):
                if source not in seen:
                    seen.add(source)
                    todo.extend(self.flows.get(source, ()))
            else:
                found.add(source)
        return found

    # -- one body ------------------------------------------------------------------------

    def _visit(self, code: Code) -> list[Code]:
        body = self.p.bodies.get(code)
        if body is None:
            return []
        nxt: list[Code] = []
        for lvalue, rvalue in body.assigns:
            value = self._value(rvalue, code)
            for slot in self._slots_of(lvalue):
                self.flows[slot] |= value
        for expr in body.returns:
            self.flows[_ret(code)] |= self._value(expr, code)
        for index, iterable in body.loops:
            for slot in self._slots_of(index):
                self.flows[slot] |= self._value(iterable, code)
        for member in body.members:
            nxt.extend(self._member_read(member, code))
        for call in body.calls:
            nxt.extend(self._call(call, code))
        return nxt

    def _member_read(self, member: MemberExpr, code: Code) -> list[Code]:
        nxt: list[Code] = []
        for info, _ in self.p.receivers(member.expr):
            sym = info.get(member.name)
            if sym is not None and _is_property(sym.node):
                nxt.extend(self.p.methods(info, member.name)[0])
            elif sym is not None and isinstance(sym.node, Var):
                read = (_owner(info, member.name), member.name)
                self.result.fields_read.setdefault(read, set()).add(self.p.module_of[code])
        return nxt

    def _call(self, call: CallExpr, code: Code) -> list[Code]:
        targets, slots, fields_of = self._callee(call, code)
        self.invoked[code] |= slots
        if not targets and not slots and fields_of is None:
            # a library call: whatever callable we hand it, it may call
            for arg in call.args:
                self.invoked[code] |= self._value(arg, code)
        for target in targets:
            if isinstance(target, FuncDef):
                self._bind(call, target, code)
        if fields_of is not None:
            self._bind_fields(call, fields_of, code)
        return targets

    def _callee(
        self, call: CallExpr, code: Code
    ) -> tuple[list[Code], set[Source], TypeInfo | None]:
        """(code it runs, slots whose callables it runs, the class whose fields a generated
        constructor sets)."""
        callee = call.callee
        node = callee.node if isinstance(callee, NameExpr | MemberExpr) else None
        if isinstance(node, TypeInfo):
            return self._construct(call, code, node)
        if isinstance(callee, NameExpr) or _module_member(callee):
            direct = _code_of(node)
            if direct is not None:
                return ([direct] if self.p.ours(direct) else []), set(), None
            if isinstance(node, Var):
                return self._call_object(callee, {self._var_slot(node)})
            return [], set(), None
        if isinstance(callee, SuperExpr):
            info = callee.info
            for base in info.mro[1:] if info is not None else []:
                if callee.name in base.names:
                    found = _code_of(base.names[callee.name].node)
                    return ([found] if found and self.p.ours(found) else []), set(), None
            return [], set(), None
        if isinstance(callee, MemberExpr):
            targets: list[Code] = []
            slots: set[Source] = set()
            for info, _ in self.p.receivers(callee.expr):
                sym = info.get(callee.name)
                if sym is None:
                    continue
                if isinstance(sym.node, Var):  # an attribute holding a callable (or an object)
                    attr: Slot = ("attr", _owner(info, callee.name), callee.name)
                    called, held, _ = self._call_object(callee, {attr})
                    targets.extend(called)
                    slots |= held
                    continue
                methods, port = self.p.methods(info, callee.name)
                targets.extend(m for m in methods if m not in targets)
                if port is not None:
                    types = [self.p.type_of(a) for a in call.args]
                    self.result.port_calls.append(PortCall(port, callee.name, call, code, types))
            return targets, slots, None
        # calling what an expression gives: an object with __call__, or a callable value
        return self._call_object(callee, self._value(callee, code))

    def _call_object(
        self, callee: Expression, held: set[Source]
    ) -> tuple[list[Code], set[Source], None]:
        """Calling a value: an object of ours runs its ``__call__``; a callable runs whatever
        flowed into ``held``."""
        targets: list[Code] = []
        for info, is_class in self.p.receivers(callee):
            if not is_class:
                targets.extend(self.p.methods(info, "__call__")[0])
        return (targets, set(), None) if targets else ([], held, None)

    def _construct(
        self, call: CallExpr, code: Code, info: TypeInfo
    ) -> tuple[list[Code], set[Source], TypeInfo | None]:
        if not self.p.ours(info):
            return [], set(), None
        self.result.constructions.append((info.fullname, call, code))
        found: list[Code] = []
        fields_of: TypeInfo | None = None
        for name in ("__init__", "__post_init__"):
            owner = next((c for c in info.mro if name in c.names), None)
            if owner is None or not self.p.ours(owner):
                continue
            sym = owner.names[name]
            init = _code_of(sym.node)
            if sym.plugin_generated or init is None:
                fields_of = info
            else:
                found.append(init)
        if not found and fields_of is None and "dataclass" in info.metadata:
            fields_of = info
        return found, set(), fields_of

    # -- flows -----------------------------------------------------------------------------

    def _bind(self, call: CallExpr, target: FuncDef, code: Code) -> None:
        params = [a.variable for a in target.arguments]
        kinds = list(target.arg_kinds)
        if bool(target.info) and not target.is_static and params:
            params, kinds = params[1:], kinds[1:]  # self / cls
        by_name = {v.name: v for v in params}
        positional = [
            v
            for v, k in zip(params, kinds, strict=True)
            if k not in (ARG_NAMED, ARG_NAMED_OPT, ARG_STAR, ARG_STAR2)
        ]
        i = 0
        for arg, kind, name in zip(call.args, call.arg_kinds, call.arg_names, strict=True):
            value = self._value(arg, code)
            param = None
            if name is not None:
                param = by_name.get(name)
            elif kind == ARG_POS:
                param = positional[i] if i < len(positional) else None
                i += 1
            if not value:
                continue
            if param is not None:
                self.flows[self._var_slot(param)] |= value
            else:  # *args / **kwargs: not followed; assume it is called
                self.invoked[code] |= value

    def _bind_fields(self, call: CallExpr, info: TypeInfo, code: Code) -> None:
        attrs = info.metadata.get("dataclass", {}).get("attributes", [])
        names = [a["name"] for a in attrs]
        for i, (arg, name) in enumerate(zip(call.args, call.arg_names, strict=True)):
            field_name = name if name is not None else (names[i] if i < len(names) else None)
            value = self._value(arg, code)
            if field_name is not None and value:
                self.flows[("attr", _owner(info, field_name), field_name)] |= value

    def _slots_of(self, target: Expression) -> list[Slot]:
        if isinstance(target, NameExpr) and isinstance(target.node, Var):
            return [self._var_slot(target.node)]
        if isinstance(target, MemberExpr):
            if _module_member(target) and isinstance(target.node, Var):
                return [self._var_slot(target.node)]
            return [
                ("attr", _owner(info, target.name), target.name)
                for info, _ in self.p.receivers(target.expr)
            ]
        if isinstance(target, TupleExpr | ListExpr):
            return [s for item in target.items for s in self._slots_of(item)]
        if isinstance(target, IndexExpr):  # a container holds what is put in it
            return self._slots_of(target.base)
        return []

    def _var_slot(self, var: Var) -> Slot:
        function = self.p.param_of.get(id(var))
        if function is not None:
            return ("param", str(id(function)), var.name)
        return ("var", var.fullname or var.name, str(id(var)))

    def _value(self, expr: Expression, code: Code) -> set[Source]:
        """The callables an expression may evaluate to, or the slots they come from."""
        if isinstance(expr, LambdaExpr):
            return {expr}
        if isinstance(expr, NameExpr) or _module_member(expr):
            assert isinstance(expr, NameExpr | MemberExpr)
            node = expr.node
            if isinstance(node, Var):
                return {self._var_slot(node)}
            direct = _code_of(node)
            return {direct} if direct is not None and self.p.ours(direct) else set()
        if isinstance(expr, MemberExpr):
            found: set[Source] = set()
            for info, _ in self.p.receivers(expr.expr):
                sym = info.get(expr.name)
                if sym is None:
                    continue
                if isinstance(sym.node, Var):
                    found.add(("attr", _owner(info, expr.name), expr.name))
                elif not _is_property(sym.node):
                    found |= set(self.p.methods(info, expr.name)[0])  # a bound method
            return found
        if isinstance(expr, CallExpr):
            targets, slots, fields_of = self._callee(expr, code)
            if fields_of is not None or any(
                isinstance(t, FuncDef) and t.name in ("__init__", "__post_init__") for t in targets
            ):
                # a new object of ours: callable if its class has __call__; what it holds
                # is in its attributes
                made = expr.callee.node if isinstance(expr.callee, RefExpr) else None
                if isinstance(made, TypeInfo):
                    return set(self.p.methods(made, "__call__")[0])
                return set()
            out: set[Source] = {_ret(t) for t in targets}
            if not targets and not slots:  # a library call: it may hand back its arguments
                for arg in expr.args:
                    out |= self._value(arg, code)
            return out
        if isinstance(expr, OpExpr):
            return self._value(expr.left, code) | self._value(expr.right, code)
        if isinstance(expr, ConditionalExpr):
            return self._value(expr.if_expr, code) | self._value(expr.else_expr, code)
        if isinstance(expr, ListExpr | TupleExpr | SetExpr):
            return {s for item in expr.items for s in self._value(item, code)}
        if isinstance(expr, DictExpr):
            return {s for _, v in expr.items for s in self._value(v, code)}
        if isinstance(expr, IndexExpr):
            return self._value(expr.base, code)
        return set()


def _ret(code: Code) -> Slot:
    return ("ret", _name(code), str(id(code)))


def _module_member(expr: Expression) -> bool:
    return (
        isinstance(expr, MemberExpr)
        and isinstance(expr.expr, NameExpr)
        and isinstance(expr.expr.node, MypyFile)
    )


def _owner(info: TypeInfo, name: str) -> str:
    return next((c.fullname for c in info.mro if name in c.names), info.fullname)
