#!/usr/bin/env python3
"""Queries the JSON alerts vigil writes (one object per line) for the live syscall tests.

  alerts.py wait   FILE --timeout SECONDS RULE [COND...]   exit 0 once a matching alert exists
  alerts.py absent FILE [--rule RULE] [COND...]            exit 0 if no alert matches now
  alerts.py count  FILE N RULE [COND...]                  exit 0 if exactly N alerts match now

COND is KEY=VALUE (equal) or KEY~TEXT (contains). KEY is `rule`, `priority`, `source`, `output`
or `tags` (TEXT must be one of the tags), otherwise the name of an output field as written in
the rule (`proc.name`, `fd.name`, `proc.aname[2]`...). Values compare as text: numbers as
decimal, booleans as true/false, a missing value (null) as <NA>.

On a miss it prints what came closest, so a failing test says why without rerunning it.
"""
import json
import sys
import time

TOP_LEVEL = ("rule", "priority", "source", "output", "hostname", "time")


def as_text(value):
    if value is None:
        return "<NA>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_conditions(args):
    conds = []
    for arg in args:
        eq, ti = arg.find("="), arg.find("~")
        if eq < 0 and ti < 0:
            raise SystemExit("bad condition %r: want KEY=VALUE or KEY~TEXT" % arg)
        if ti < 0 or (0 <= eq < ti):
            conds.append((arg[:eq], "=", arg[eq + 1:]))
        else:
            conds.append((arg[:ti], "~", arg[ti + 1:]))
    return conds


def read_alerts(path):
    """Complete JSON lines only: the last line may still be being written."""
    alerts = []
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return alerts
    for line in data.split(b"\n")[:-1]:
        line = line.strip()
        if not line.startswith(b"{"):
            continue
        try:
            obj = json.loads(line.decode("utf-8", "replace"))
        except ValueError:
            continue
        if isinstance(obj, dict) and "rule" in obj:
            alerts.append(obj)
    return alerts


def check(alert, key, op, want):
    if key == "tags":
        tags = alert.get("tags") or []
        return want in tags if op == "=" else any(want in t for t in tags)
    if key in TOP_LEVEL:
        if key not in alert:
            return False
        have = as_text(alert[key])
    else:
        fields = alert.get("output_fields") or {}
        if key not in fields:
            return False
        have = as_text(fields[key])
    return have == want if op == "=" else want in have


def matches(alert, conds):
    return all(check(alert, k, op, v) for k, op, v in conds)


def describe(conds):
    return " ".join("%s%s%s" % c for c in conds)


def show(alert):
    fields = alert.get("output_fields") or {}
    return "    %s | %s" % (alert.get("rule"), alert.get("output") or json.dumps(fields))


def explain_miss(alerts, conds):
    print("    %d alert(s) seen in total" % len(alerts))
    rule_conds = [c for c in conds if c[0] == "rule"]
    same_rule = [a for a in alerts if matches(a, rule_conds)] if rule_conds else []
    if same_rule:
        print("    alerts of that rule (the other conditions did not match):")
        for a in same_rule[-5:]:
            print(show(a))
    elif alerts:
        print("    no alert of that rule; the last ones were:")
        for a in alerts[-5:]:
            print(show(a))


def cmd_wait(path, timeout, conds):
    deadline = time.monotonic() + timeout
    while True:
        alerts = read_alerts(path)
        for a in alerts:
            if matches(a, conds):
                print("ok: alert %s" % describe(conds))
                return 0
        if time.monotonic() >= deadline:
            print("FAIL: no alert %s within %gs" % (describe(conds), timeout))
            explain_miss(alerts, conds)
            return 1
        time.sleep(0.2)


def cmd_absent(path, conds):
    hits = [a for a in read_alerts(path) if matches(a, conds)]
    if not hits:
        print("ok: no alert %s" % describe(conds))
        return 0
    print("FAIL: %d unexpected alert(s) %s" % (len(hits), describe(conds)))
    for a in hits[:5]:
        print(show(a))
    return 1


def cmd_count(path, want, conds):
    hits = [a for a in read_alerts(path) if matches(a, conds)]
    if len(hits) == want:
        print("ok: %d alert(s) %s" % (want, describe(conds)))
        return 0
    print("FAIL: %d alert(s) %s, expected %d" % (len(hits), describe(conds), want))
    for a in hits[:5]:
        print(show(a))
    return 1


def main(argv):
    if len(argv) < 2 or argv[0] not in ("wait", "absent", "count"):
        print(__doc__.strip())
        return 2
    cmd, path, rest = argv[0], argv[1], argv[2:]
    if cmd == "wait":
        if len(rest) < 3 or rest[0] != "--timeout":
            print("usage: alerts.py wait FILE --timeout SECONDS RULE [COND...]")
            return 2
        timeout = float(rest[1])
        conds = [("rule", "=", rest[2])] + parse_conditions(rest[3:])
        return cmd_wait(path, timeout, conds)
    if cmd == "count":
        if len(rest) < 2 or not rest[0].isdigit():
            print("usage: alerts.py count FILE N RULE [COND...]")
            return 2
        conds = [("rule", "=", rest[1])] + parse_conditions(rest[2:])
        return cmd_count(path, int(rest[0]), conds)
    conds = []
    if rest[:1] == ["--rule"]:
        conds.append(("rule", "=", rest[1]))
        rest = rest[2:]
    conds += parse_conditions(rest)
    return cmd_absent(path, conds)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
