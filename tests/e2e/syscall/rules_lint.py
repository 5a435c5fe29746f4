#!/usr/bin/env python3
"""Static checks of a Falco-language rules file against the fields vigil's syscall source offers.

Runs without the engine: it mirrors the loader's rules (rules-language.md §2-§4) closely
enough to catch what would make the file fail to load in vigil or Falco, and it refuses fields
that vigil does not provide, so the default rules never depend on a missing field.

With --plugin PATH (the built sysstate plugin) the fields are taken from the plugin's own
get_fields schema instead of the built-in list, so the check follows the plugin as it grows.

usage: rules_lint.py [--plugin LIBSYSSTATE.so] RULES.yaml   exit 0 clean, 1 problems, 77 no PyYAML
"""
import ctypes
import json
import re
import sys

try:
    import yaml
except ImportError:  # pragma: no cover - depends on the machine
    print("SKIP: PyYAML is not installed for this python3")
    sys.exit(77)

# Fields the syscall state plugin and the core provide (names without an [argument]).
SYSCALL_FIELDS = set("""
evt.type evt.num evt.time evt.time.s evt.time.iso8601 evt.datetime evt.rawtime evt.rawtime.s
evt.rawtime.ns evt.reltime evt.source evt.hostname evt.pluginname evt.plugininfo evt.is_async
evt.res evt.rawres evt.args evt.is_open_read evt.is_open_write evt.is_open_exec evt.buffer
proc.name proc.pid proc.ppid proc.vpid proc.exe proc.exepath proc.cmdline proc.args proc.cwd
proc.tty proc.pname proc.pexe proc.pexepath proc.pcmdline proc.aname proc.apid proc.aexe
proc.aexepath proc.env proc.duration proc.sname proc.sid proc.vpgid proc.is_vpgid_leader
proc.is_exe_upper_layer proc.is_exe_from_memfd proc.exe_ino proc.exe_ino.ctime
proc.exe_ino.mtime
thread.tid thread.vtid thread.cap_permitted thread.cap_effective thread.cap_inheritable
user.uid user.name user.loginuid user.loginname user.homedir user.shell
group.gid group.name
fd.num fd.type fd.typechar fd.name fd.nameraw fd.directory fd.filename fd.ip fd.cip fd.sip
fd.lip fd.rip fd.port fd.cport fd.sport fd.lport fd.rport fd.l4proto fd.sockfamily fd.net
fd.cnet fd.snet fd.lnet fd.rnet fd.connected fd.name_changed
fs.path.name fs.path.nameraw fs.path.source fs.path.sourceraw fs.path.target fs.path.targetraw
container.id
""".split())
# The core's own fields, present whatever plugins are loaded.
CORE_FIELDS = set("""
evt.num evt.time evt.time.s evt.time.iso8601 evt.datetime evt.rawtime evt.rawtime.s
evt.rawtime.ns evt.reltime evt.source evt.hostname evt.pluginname evt.plugininfo evt.is_async
evt.type
""".split())

# Prefix families with a free-form suffix or index.
FIELD_PREFIXES = ("evt.arg.", "evt.rawarg.")
INDEXED_FIELDS = {"evt.arg", "proc.aname", "proc.apid", "proc.aexe", "proc.aexepath",
                  "proc.env", "proc.args"}

# libscap event names the default rules may rely on (subset of the event table).
EVENT_NAMES = set("""
execve execveat clone clone3 fork vfork procexit open openat openat2 creat close read write
connect accept accept4 bind listen socket sendto recvfrom sendmsg recvmsg dup dup2 dup3 rename
renameat renameat2 unlink unlinkat mkdir mkdirat rmdir symlink symlinkat link linkat chmod
fchmod fchmodat chown fchown fchownat lchown setuid setgid setresuid setresgid ptrace
init_module finit_module mount umount2 memfd_create chdir fchdir chroot prctl kill bpf capset
unshare setns mmap mprotect
""".split())

MACRO_NAME = re.compile(r"^[a-zA-Z]+[a-zA-Z0-9_]*$")
LIST_NAME = re.compile(r"""^[^()"'\s=,]+$""")
PRIORITIES = {"emergency", "alert", "critical", "error", "warning", "notice",
              "informational", "info", "debug"}

FIELD_RE = r"[a-zA-Z]+[a-zA-Z0-9_]*(?:\.[a-zA-Z]+[a-zA-Z0-9_]*)+"
TOKEN_RE = re.compile(r"""
    (?P<ws>[\s\b]+)
  | (?P<lp>\()
  | (?P<rp>\))
  | (?P<comma>,)
  | (?P<qstr>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<op>==|=|!=|<=|>=|<|>)
  | (?P<field>""" + FIELD_RE + r""")(?P<arg>\[[^\]]*\])?
  | (?P<bare>[^()"'\s=,]+)
""", re.VERBOSE)

WORD_OPS = {"contains", "icontains", "bcontains", "startswith", "bstartswith", "endswith",
            "glob", "iglob", "regex", "in", "intersects", "pmatch"}
LIST_OPS = {"in", "intersects", "pmatch"}


class LintError(Exception):
    pass


def tokenize(text):
    toks = []
    pos = 0
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if not m:
            raise LintError("cannot tokenize at %r" % text[pos:pos + 20])
        pos = m.end()
        kind = m.lastgroup
        if kind == "arg":
            kind = "field"
        if kind == "ws":
            continue
        if kind == "field":
            toks.append(("field", m.group("field"), m.group("arg")))
        else:
            toks.append((kind, m.group(0), None))
    return toks


class CondParser:
    """Recursive descent over the condition grammar; records fields, macros and evt.types."""

    def __init__(self, text):
        self.toks = tokenize(text)
        self.i = 0
        self.fields = []
        self.macros = []
        self.evttypes = []
        self.depth = 0

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None, None)

    def take(self):
        t = self.peek()
        self.i += 1
        return t

    def parse(self):
        self.disj()
        if self.i != len(self.toks):
            raise LintError("unexpected token after condition: %r" % (self.peek()[1],))

    def disj(self):
        self.conj()
        while self.peek()[1] == "or":
            self.take()
            self.conj()

    def conj(self):
        self.neg()
        while self.peek()[1] == "and":
            self.take()
            self.neg()

    def neg(self):
        while self.peek()[1] == "not":
            self.take()
        self.primary()

    def primary(self):
        kind, val, arg = self.take()
        if kind == "lp":
            self.depth += 1
            if self.depth > 100:
                raise LintError("nesting too deep")
            self.disj()
            if self.take()[0] != "rp":
                raise LintError("missing ')'")
            self.depth -= 1
            return
        if kind == "bare" and MACRO_NAME.match(val) and val not in ("and", "or", "not"):
            self.macros.append(val)
            return
        if kind != "field":
            raise LintError("expected a field, a macro or '(' but got %r" % (val,))
        okind, op, _ = self.take()
        self.fields.append((val, arg, op))
        if op == "exists":
            return
        if okind not in ("op", "bare") or (okind == "bare" and op not in WORD_OPS):
            raise LintError("expected an operator after %s, got %r" % (val, op))
        if op in LIST_OPS or self.peek()[0] == "lp":
            values = self.value_list() if self.peek()[0] == "lp" else [self.value()]
        else:
            values = [self.value()]
        if val == "evt.type":
            self.evttypes.extend(values)

    def value(self):
        kind, val, arg = self.take()
        if kind == "bare" and val == "val" and self.peek()[0] == "lp":
            self.take()
            fkind, fname, farg = self.take()
            if fkind != "field" or self.take()[0] != "rp":
                raise LintError("val() takes one field")
            self.fields.append((fname, farg, "val"))
            return fname
        if kind == "qstr":
            return val[1:-1]
        if kind in ("bare", "field"):
            return val + (arg or "")
        raise LintError("expected a value, got %r" % (val,))

    def value_list(self):
        self.take()
        values = []
        if self.peek()[0] == "rp":
            self.take()
            return values
        while True:
            values.append(self.value())
            kind, val, _ = self.take()
            if kind == "rp":
                return values
            if kind != "comma":
                raise LintError("expected ',' or ')' in a list, got %r" % (val,))


def substitute_lists(text, lists):
    """Textual list expansion, delimited like the loader does."""
    def repl(m):
        name = m.group(2)
        if name not in lists:
            return m.group(0)
        items = ", ".join('"%s"' % i if " " in i else i for i in lists[name])
        return m.group(1) + items
    pattern = re.compile(r"(^|[\s(),=])([^\s(),=]+)(?=$|[\s(),=])")
    prev = None
    while prev != text:
        prev = text
        text = pattern.sub(repl, text)
    text = re.sub(r",\s*\)", ")", text)
    text = re.sub(r"\(\s*,", "(", text)
    return text


def load_plugin_fields(path):
    """Field names and the ones taking an [argument], from the plugin's get_fields JSON."""
    lib = ctypes.CDLL(path)
    lib.plugin_get_fields.restype = ctypes.c_char_p
    schema = json.loads(lib.plugin_get_fields().decode())
    names = {f["name"] for f in schema} | CORE_FIELDS
    indexed = {f["name"] for f in schema if f.get("arg")}
    LIST_FIELDS.update(f["name"] for f in schema if f.get("isList"))
    return names, indexed


def check_field(name, arg, where, problems):
    if name.startswith(FIELD_PREFIXES):
        return
    if name not in SYSCALL_FIELDS:
        problems.append("%s: field '%s' is not provided by vigil's syscall source" % (where, name))
    if arg and name not in INDEXED_FIELDS:
        problems.append("%s: field '%s' takes no [argument]" % (where, name))


RULE_KEYS = ("rule", "condition", "output", "desc", "priority", "source", "enabled", "tags",
             "exceptions", "warn_evttypes", "skip-if-unknown-filter", "capture", "capture_duration")


def check_rule_keys(rule, where, problems):
    for key in ("condition", "output", "desc", "priority"):
        if not str(rule.get(key, "")).strip():
            problems.append("%s: missing '%s'" % (where, key))
    if str(rule.get("priority", "")).lower() not in PRIORITIES:
        problems.append("%s: bad priority %r" % (where, rule.get("priority")))
    for key in rule:
        if key not in RULE_KEYS:
            problems.append("%s: unknown key '%s'" % (where, key))


# Ancestor fields: without an index Falco matches any ancestor while a list-typed field `in` a
# set needs all of them inside, so the default rules always name the ancestor they mean.
ANCESTOR_FIELDS = {"proc.aname", "proc.apid", "proc.aexe", "proc.aexepath"}
# Fields the plugin declares as lists (isList); vigil accepts only in/intersects/exists on them.
LIST_FIELDS = set()


def check_operator(name, arg, op, where, problems):
    if name in ANCESTOR_FIELDS and not arg:
        problems.append("%s: '%s' without an ancestor index" % (where, name))
    if name in LIST_FIELDS and op not in ("in", "intersects", "exists"):
        problems.append("%s: list field '%s' used with '%s'" % (where, name, op))


OUTPUT_TOKEN = re.compile(r"%(\d*)(" + FIELD_RE + r")(\[[^\]]*\])?")


def lint(path):
    problems = []
    with open(path) as f:
        docs = [d for d in yaml.safe_load_all(f) if d is not None]
    lists, macros, macro_order, rules = {}, {}, [], []
    used_lists, used_macros = set(), set()
    for doc in docs:
        if not isinstance(doc, list):
            problems.append("document is not a sequence of maps")
            continue
        for item in doc:
            if not isinstance(item, dict):
                problems.append("item is not a map: %r" % (item,))
                continue
            if "required_engine_version" in item:
                continue
            if "list" in item:
                name = item["list"]
                if not LIST_NAME.match(str(name)):
                    problems.append("list '%s': invalid name" % name)
                items = []
                for it in item.get("items") or []:
                    it = str(it)
                    if it in lists:
                        used_lists.add(it)
                        items.extend(lists[it])
                    else:
                        items.append(it)
                lists[name] = items
            elif "macro" in item:
                name = item["macro"]
                if not MACRO_NAME.match(name):
                    problems.append("macro '%s': invalid name" % name)
                macros[name] = str(item.get("condition", ""))
                macro_order.append(name)
            elif "rule" in item:
                rules.append(item)
            else:
                problems.append("unknown top level item %r" % (list(item)[:1],))

    def compile_condition(where, text):
        """Parses one condition and checks its fields and event types; None on a parse error."""
        for tok in re.findall(r"[^\s(),=]+", text):
            if tok in lists:
                used_lists.add(tok)
        try:
            p = CondParser(substitute_lists(text, lists))
            p.parse()
        except LintError as e:
            problems.append("%s: condition: %s" % (where, e))
            return None
        for fname, arg, op in p.fields:
            check_field(fname, arg, where, problems)
            check_operator(fname, arg, op, where, problems)
        for et in p.evttypes:
            if et not in EVENT_NAMES:
                problems.append("%s: unknown event type '%s'" % (where, et))
        used_macros.update(p.macros)
        return p

    parsed_macros = {}
    for name in macro_order:
        where = "macro '%s'" % name
        p = compile_condition(where, macros[name])
        if p is None:
            continue
        for m in p.macros:
            if m not in parsed_macros and m != name:
                problems.append("%s: uses macro '%s' defined after it" % (where, m))
        parsed_macros[name] = p

    def evttypes_of(p, seen=()):
        found = set(p.evttypes)
        for m in p.macros:
            if m in parsed_macros and m not in seen:
                found |= evttypes_of(parsed_macros[m], seen + (m,))
        return found

    names = set()
    for rule in rules:
        name = rule["rule"]
        where = "rule '%s'" % name
        if name in names:
            problems.append("%s: defined twice" % where)
        names.add(name)
        check_rule_keys(rule, where, problems)
        p = compile_condition(where, str(rule.get("condition", "")))
        if p is None:
            continue
        for m in p.macros:
            if m not in parsed_macros:
                problems.append("%s: undefined macro '%s'" % (where, m))
        if not evttypes_of(p):
            problems.append("%s: condition does not restrict evt.type" % where)
        output = str(rule.get("output", ""))
        for _, fname, arg in OUTPUT_TOKEN.findall(output):
            check_field(fname, arg[1:-1] if arg else None, where + " output", problems)
        if "%container.id" not in output or "%proc.name" not in output \
                or "%user.name" not in output or "%proc.cmdline" not in output:
            problems.append("%s: output lacks user/process/cmdline/container context" % where)
        tags = rule.get("tags") or []
        if not any(t in tags for t in ("host", "container")):
            problems.append("%s: no host/container tag" % where)
        if not any(str(t).startswith("mitre_") for t in tags):
            problems.append("%s: no mitre_* tag" % where)

    for name in macros:
        if name not in used_macros:
            problems.append("macro '%s' is never used" % name)
    for name in lists:
        if name not in used_lists:
            problems.append("list '%s' is never used" % name)
    return problems, len(rules)


def main():
    global SYSCALL_FIELDS, INDEXED_FIELDS
    args = sys.argv[1:]
    source = "vigil's built-in field list"
    if len(args) == 3 and args[0] == "--plugin":
        try:
            SYSCALL_FIELDS, INDEXED_FIELDS = load_plugin_fields(args[1])
            source = args[1]
        except (OSError, AttributeError, ValueError) as e:
            print("note: cannot read fields from %s (%s); using the built-in list" % (args[1], e))
        args = args[2:]
    if len(args) != 1:
        print(__doc__.strip().splitlines()[-1])
        return 2
    path = args[0]
    problems, nrules = lint(path)
    for p in problems:
        print("%s: %s" % (path, p))
    if problems:
        print("FAIL: %d problem(s) in %d rules" % (len(problems), nrules))
        return 1
    print("OK: %d rules; every field is in %s" % (nrules, source))
    return 0


if __name__ == "__main__":
    sys.exit(main())
