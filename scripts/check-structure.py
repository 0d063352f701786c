#!/usr/bin/env python3
"""Checks the workspace invariants ARCHITECTURE.md states, so that they stay true:

1. crate dependencies (from `cargo metadata`): the protocol library depends on no HTTP server,
   async runtime, HTTP client, configuration or database crate; the `aa` tool pulls in no
   actix-web and no sea-orm; no service depends on another; crypto crates are direct
   dependencies of aa-core only;
2. sea-orm is imported only in persistence modules (each service's `persistence/`, the
   runtime's `store`, `queue` and `idempotency` modules) and in the test-only crates;
3. no module import circles inside a crate (file-level graph of `crate::`/`super::` paths; a
   parent module naming its own children is containment, not an import);
4. routes never import routes: a handler module (one a `.to(...)` registration names) never
   imports another handler module (shared extractors and error mappings are not handlers);
5. no source file under `crates/*/src` is over MAX_LINES lines.

Prints every violation and exits 1 if there is any.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 400

PROTOCOL_FORBIDDEN = {"actix-web", "tokio", "reqwest", "config", "sea-orm", "sea-orm-migration",
                      "tracing-subscriber", "sqlx"}
CLI_FORBIDDEN = {"actix-web", "sea-orm", "sea-orm-migration", "sqlx"}
SERVICES = {"aa-service", "fip-service", "fiu-service"}
CRYPTO = {"ring", "x25519-dalek", "curve25519-dalek", "chacha20poly1305", "num-bigint", "rsa"}
SEA_ORM_PLACES = ("/persistence/", "/store", "/queue", "/idempotency", "/rate_limit", "/migration",
                  "crates/aa-testkit/", "crates/aa-e2e/")

problems = []


def metadata():
    out = subprocess.run(["cargo", "metadata", "--format-version", "1", "--locked"],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def check_dependencies(meta):
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    members = {packages[i]["name"]: i for i in meta["workspace_members"]}

    def normal_closure(pid):
        """Every package reachable through normal (non-dev, non-build) dependencies."""
        seen, stack = set(), [pid]
        while stack:
            current = stack.pop()
            for dep in nodes[current]["deps"]:
                kinds = {k["kind"] for k in dep["dep_kinds"]}
                if None in kinds and dep["pkg"] not in seen:
                    seen.add(dep["pkg"])
                    stack.append(dep["pkg"])
        return {packages[p]["name"] for p in seen}

    def direct(pid):
        return {packages[d["pkg"]]["name"] for d in nodes[pid]["deps"]
                if any(k["kind"] is None for k in d["dep_kinds"])}

    if "aa-core" in members:
        bad = normal_closure(members["aa-core"]) & PROTOCOL_FORBIDDEN
        for name in sorted(bad):
            problems.append(f"aa-core depends on {name} (the protocol library must not)")
    if "aa-cli" in members:
        bad = normal_closure(members["aa-cli"]) & CLI_FORBIDDEN
        for name in sorted(bad):
            problems.append(f"aa-cli depends on {name} (the aa tool must not)")
    for service in SERVICES & members.keys():
        for other in sorted(normal_closure(members[service]) & (SERVICES - {service})):
            problems.append(f"{service} depends on {other} (services never depend on each other)")
    for name, pid in sorted(members.items()):
        if name == "aa-core":
            continue
        for crate in sorted(direct(pid) & CRYPTO):
            problems.append(f"{name} uses the crypto crate {crate} (only aa-core may)")


def source_files():
    return sorted(p for p in (ROOT / "crates").glob("*/src/**/*.rs"))


def rel(path):
    return str(path.relative_to(ROOT))


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return "\n".join(line.split("//", 1)[0] for line in text.splitlines())


def without_test_modules(text):
    """Drops inline `#[cfg(test)] mod tests { ... }` blocks."""
    out, i = [], 0
    pattern = re.compile(r"#\[cfg\(test\)\]\s*(?:#\[[^\]]*\]\s*)*mod\s+\w+\s*\{")
    while True:
        m = pattern.search(text, i)
        if not m:
            out.append(text[i:])
            return "".join(out)
        out.append(text[i:m.start()])
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        i = j


def strip_strings(text):
    text = re.sub(r'r#*"(?:.|\n)*?"#*', '""', text)
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)


def check_sea_orm(files):
    for path in files:
        text = without_test_modules(strip_strings(strip_comments(path.read_text())))
        if re.search(r"\bsea_orm(_migration)?::", text):
            r = rel(path)
            if not any(place in r for place in SEA_ORM_PLACES):
                problems.append(f"{r} imports sea-orm outside a persistence module")


def module_of(path, src):
    """The module path of a source file: ["persistence", "outbox"] for persistence/outbox.rs."""
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return tuple(parts)


def test_file(path):
    return path.name in ("tests.rs",) or path.stem.endswith("_tests")


def use_paths(text):
    """Every `crate::a::b` / `super::a` path, with `use` groups expanded one level."""
    paths = []
    for m in re.finditer(r"\buse\s+((?:crate|super|self)(?:::\w+)*)(?:::\{([^;]*)\})?\s*;",
                         text, flags=re.S):
        base, group = m.group(1), m.group(2)
        if group is None:
            paths.append(base)
        else:
            for item in re.split(r",(?![^{]*\})", group):
                item = item.strip()
                head = re.match(r"(\w+(?:::\w+)*)", item)
                if head:
                    paths.append(base if head.group(1) == "self" else f"{base}::{head.group(1)}")
    for m in re.finditer(r"(?<![\w:])((?:crate|super)(?:::\w+)+)", text):
        paths.append(m.group(1))
    return paths


def resolve(path, here, modules):
    parts = path.split("::")
    current = list(here)
    if parts[0] == "crate":
        current, parts = [], parts[1:]
    while parts and parts[0] in ("super", "self"):
        if parts[0] == "super" and current:
            current.pop()
        parts = parts[1:]
    target = tuple(current + parts)
    while target and target not in modules:
        target = target[:-1]
    return target


def check_modules(files):
    crates = {}
    for path in files:
        src = path.parents[len(path.relative_to(path.parents[0]).parts) - 1]
        src = next(p for p in path.parents if p.name == "src")
        crates.setdefault(src, []).append(path)
    for src, paths in crates.items():
        mods = {}
        for path in paths:
            if path.name == "main.rs" and (src / "lib.rs").exists():
                continue
            if test_file(path):
                continue
            mods[module_of(path, src)] = path
        graph = {m: set() for m in mods}
        for module, path in mods.items():
            text = without_test_modules(strip_comments(path.read_text()))
            for use in use_paths(text):
                target = resolve(use, module, mods)
                if target == module or target[: len(module)] == module:
                    continue  # itself, or a parent naming its own children
                if module[: len(target)] == target:
                    # A child using its ancestor's items: an edge to the ancestor.
                    pass
                graph[module].add(target)
        check_routes(src, mods, graph)
        for cycle in strongly_connected(graph):
            names = ", ".join(sorted(rel(mods[m]) for m in cycle))
            problems.append(f"import circle: {names}")


def handler_modules(mods):
    """The route modules that hold handlers: those a `.to(...)` registration names."""
    handlers = set()
    for path in mods.values():
        text = strip_comments(path.read_text())
        for m in re.finditer(r"\.to\(\s*((?:\w+::)+)\w+\s*\)", text):
            parts = tuple(p for p in m.group(1).split("::") if p)
            if parts and parts[0] == "crate":
                parts = parts[1:]
            if parts and parts[0] != "routes":
                parts = ("routes",) + parts
            if parts in mods:
                handlers.add(parts)
    return handlers


def check_routes(src, mods, graph):
    handlers = handler_modules(mods)
    for module, targets in graph.items():
        if module not in handlers:
            continue
        for target in sorted(targets & handlers):
            problems.append(f"{rel(mods[module])} imports the handler module "
                            f"{rel(mods[target])} (routes never import routes)")


def strongly_connected(graph):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(component)

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    return out


def check_sizes(files):
    for path in files:
        lines = path.read_text().count("\n")
        if lines > MAX_LINES:
            problems.append(f"{rel(path)} has {lines} lines (at most {MAX_LINES})")


def main():
    files = source_files()
    check_dependencies(metadata())
    check_sea_orm(files)
    check_modules(files)
    check_sizes(files)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} structure problem(s)", file=sys.stderr)
        return 1
    print(f"structure: {len(files)} source files, no problems")
    return 0


if __name__ == "__main__":
    sys.exit(main())
