#!/usr/bin/env bash
# errinj explore --sarif and --junit, on the seccomp backend natively: on
# tests/progs/planted.c, the SARIF is valid against the SARIF 2.1.0 JSON
# schema and has a result per finding of the JSON report (class, site's
# file and line, reproduction line), the JUnit XML is well-formed with a
# failed test case per finding and a passed one per other run; a merge
# (of the report alone, of two shards') writes both as the exploration
# did; without debug information a site is its module + offset; XML's
# special characters and bytes it cannot hold are escaped; a file that
# cannot be written is said before any run.
# The schema, tests/data/sarif-schema-2.1.0.json, is the OASIS standard's
# (SARIF 2.1.0 errata01, draft-04), copied unchanged from
# github.com/oasis-tcs/sarif-spec at e0583813964e, sarif-2.1/schema/;
# (c) OASIS Open, under the OASIS IPR Policy (RF on RAND mode).
. "$(dirname "$0")/../lib.sh"

E=$BIN/errinj
P=$B/tests/planted
SRC=$TOP/tests/progs/planted.c
SCHEMA=$TOP/tests/data/sarif-schema-2.1.0.json
# The reproduction lines say plain "errinj".
export PATH=$BIN:$PATH
# The planted hang ends at the timeout; every other run of the planted
# program ends at once, well within it on a loaded machine.
TMO=10
R=$T
echo "hello" >"$R/input"

# line NAME: the line of planted.c marked "PLANTED: NAME".
line() { grep -n "PLANTED: $1 \*/" "$SRC" | cut -d: -f1; }

# check_sarif SARIF REPORT.json: "valid" when SARIF is valid against the
# schema and says what the JSON report does, else what is wrong.
check_sarif() {
    /usr/bin/python3 - "$SCHEMA" "$1" "$2" "$("$E" --version | cut -d' ' -f2)" <<'EOF'
import json, sys, urllib.parse
try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is missing (scripts/setup installs it)")
    sys.exit(0)
schema, sarif, report = (json.load(open(p)) for p in sys.argv[1:4])
v = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
bad = ["%s at %s" % (e.message, "/".join(map(str, e.absolute_path))) for e in v.iter_errors(sarif)]
if bad:
    print("not valid SARIF 2.1.0: " + "; ".join(bad[:3]))
    sys.exit(0)
run, = sarif["runs"]
drv = run["tool"]["driver"]
rules = [r["id"] for r in drv["rules"]]
if (drv["name"], drv["version"], rules) != ("errinj", sys.argv[4], ["crashed", "hung", "lost"]):
    bad.append("driver %s %s, rules %s" % (drv["name"], drv["version"], rules))
fs, rs = report["findings"], run["results"]
if len(rs) != len(fs):
    bad.append("%d results for %d findings" % (len(rs), len(fs)))
for f, r in zip(fs, rs):
    s, loc = f["site"], r["locations"][0]
    phys, logi = loc["physicalLocation"], loc["logicalLocations"][0]
    mo = "%s+%s" % (s["module"].split("/")[-1], s["offset"])
    want = [f["class"], drv["rules"][r["ruleIndex"]]["id"], "warning" if f["flaky"] else "error",
            f["reproduce"], True, s["file"] or "file://" + s["module"], mo, len(f["stack"])]
    got = [r["ruleId"], f["class"], r["level"], r["properties"]["reproduce"],
           all(x in r["message"]["text"] for x in (f["syscall"], f["errno"], f["reproduce"], mo)),
           urllib.parse.unquote(phys["artifactLocation"]["uri"]), logi["fullyQualifiedName"],
           len(r["stacks"][0]["frames"])]
    if s["file"]:
        want.append(s["line"])
        got.append(phys["region"]["startLine"])
    elif "region" in phys:
        got.append(phys["region"])
    if got != want:
        bad.append("finding %s: %s, want %s" % (f["run"], got, want))
print("; ".join(bad) or "valid")
EOF
}

# check_junit XML REPORT.json: "well-formed" when XML is, with a failed
# test case per finding (its class, first run, reproduction line) and a
# passed one per other run, else what is wrong.
check_junit() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
import xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except ET.ParseError as e:
    print("not well-formed XML: %s" % e)
    sys.exit(0)
report = json.load(open(sys.argv[2]))
fs, bad = report["findings"], []
suite, = root.findall("testsuite")
cases = suite.findall("testcase")
failed = [c for c in cases if c.find("failure") is not None]
listed = {r for f in fs for r in f["errno_runs"]}
if (int(suite.get("tests")), int(suite.get("failures")), len(cases), len(failed)) != \
        (len(cases), len(fs), len(fs) + report["runs"] - len(listed), len(fs)):
    bad.append("tests %s failures %s: %d cases, %d failed; %d findings listing %d of %d runs" % (
        suite.get("tests"), suite.get("failures"), len(cases), len(failed), len(fs), len(listed), report["runs"]))
# What XML cannot hold is the text \xNN: a byte that is not UTF-8 (read
# from JSON as U+DC80..U+DCFF), a control character.
def xml(s):
    return "".join("\\x%02x" % (ord(c) - 0xdc00) if "\udc80" <= c <= "\udcff" else
                   "\\x%02x" % ord(c) if ord(c) < 0x20 and c not in "\t\n\r" else c for c in s)
for f, c in zip(fs, failed):
    x, repro = c.find("failure"), xml(f["reproduce"])
    want = [f["class"], "errinj.explore." + f["class"], "run %d: %s" % (f["run"], f["class"]), True, True]
    got = [x.get("type"), c.get("classname"), c.get("name")[:len(want[2])],
           repro in x.get("message"), "reproduce: " + repro in x.text]
    if got != want:
        bad.append("finding %s: %s, want %s" % (f["run"], got, want))
passed = sorted(int(c.get("name").split()[1]) for c in cases if c.find("failure") is None)
if passed != sorted(set(report["shard"]["runs"]) - listed):
    bad.append("passed runs %s" % passed)
print("; ".join(bad) or "well-formed")
EOF
}

# The planted bugs: a crash, a hang and lost output, each at its line.
planted() {
    RUN_TIMEOUT=600 run "$E" explore --backend=seccomp --json -o "$R/report.json" -j2 --timeout $TMO \
        -s openat,write --errno openat=ENOENT --sarif "$R/planted.sarif" --junit "$R/planted.xml" -- "$P" "$R/input"
    assert_eq "exit status (findings)" "$RC" 3 &&
        assert_eq "stderr" "$ERR" "" &&
        assert_eq "SARIF" "$(check_sarif "$R/planted.sarif" "$R/report.json" 2>&1)" valid &&
        assert_eq "JUnit XML" "$(check_junit "$R/planted.xml" "$R/report.json" 2>&1)" well-formed || return 1
    # The planted findings, each at its own line: the rule and the
    # result's location as code scanning reads them.
    local g
    g=$(python3 -c '
import json, sys
rs = json.load(open(sys.argv[1]))["runs"][0]["results"]
phys = [r["locations"][0]["physicalLocation"] for r in rs]
print(sorted("%s %s:%d" % (r["ruleId"], p["artifactLocation"]["uri"].split("/")[-1], p["region"]["startLine"])
             for r, p in zip(rs, phys)))' "$R/planted.sarif")
    assert_eq "results" "$g" "['crashed planted.c:$(line crash)', 'crashed planted.c:$(line helper)', \
'hung planted.c:$(line hang)', 'lost planted.c:$(line lost)']"
}
subtest planted planted

# --merge of the report alone (shard 1/1) writes the same SARIF and
# JUnit XML as the exploration did.
merge() {
    [ -s "$R/planted.sarif" ] || { why "no SARIF (the planted subtest failed)"; return 1; }
    run "$E" explore --merge --sarif "$T/merged.sarif" --junit "$T/merged.xml" -o /dev/null "$R/report.json"
    assert_eq "merge: exit status" "$RC" 3 &&
        assert_eq "merge: stderr" "$ERR" "" &&
        assert_eq "merge: SARIF" "$(cmp "$T/merged.sarif" "$R/planted.sarif" 2>&1)" "" &&
        assert_eq "merge: JUnit XML" "$(cmp "$T/merged.xml" "$R/planted.xml" 2>&1)" ""
}
subtest merge merge

# Two shards' reports merged: the SARIF and JUnit XML of the unsharded
# exploration (but JUnit's time, the sum of the shards' seconds), with
# the lost write's two errnos, one from each shard, joined in one finding.
shards() {
    local k
    for k in "" 1/2 2/2; do
        RUN_TIMEOUT=600 run "$E" explore --backend=seccomp --json -o "$T/r${k%/2}.json" -j2 --timeout $TMO \
            -s write --errno write=ENOSPC,EIO ${k:+--shard $k} --sarif "$T/s${k%/2}.sarif" --junit "$T/j${k%/2}.xml" \
            -- "$P" "$R/input"
        assert_eq "shard '$k': exit status" "$RC" 3 || return 1
    done
    run "$E" explore --merge -o /dev/null --sarif "$T/m.sarif" --junit "$T/m.xml" "$T/r2.json" "$T/r1.json"
    assert_eq "merge: exit status" "$RC" 3 &&
        assert_eq "merge: stderr" "$ERR" "" &&
        assert_eq "merge: SARIF" "$(cmp "$T/m.sarif" "$T/s.sarif" 2>&1)" "" &&
        assert_eq "merge: JUnit XML" "$(diff <(sed 's/ time="[0-9.]*"//' "$T/m.xml") \
            <(sed 's/ time="[0-9.]*"//' "$T/j.xml") 2>&1)" "" &&
        assert_eq "shards' SARIF results" "$(python3 -c '
import json, sys
print([len(json.load(open(f))["runs"][0]["results"]) for f in sys.argv[1:]],
      json.load(open(sys.argv[3]))["runs"][0]["results"][0]["properties"]["errnos"])' \
            "$T/s1.sarif" "$T/s2.sarif" "$T/m.sarif")" "[1, 1, 1] ['ENOSPC', 'EIO']"
}
subtest shards shards

# Without debug information the site is its module + offset; a command
# with XML's markup characters and bytes XML cannot hold (\377, \001)
# gives well-formed XML that says them.
stripped() {
    local in
    in=$(printf '%s/in <&"'\''>\377\001' "$T")
    strip --strip-debug -o "$T/planted-nodebug" "$P" && echo hello >"$in" || return 1
    RUN_TIMEOUT=600 run "$E" explore --backend=seccomp --json -o "$T/report.json" -j2 --timeout $TMO \
        -s write --errno write=EIO --sarif "$T/s.sarif" --junit "$T/j.xml" -- "$T/planted-nodebug" "$in"
    assert_eq "exit status (findings)" "$RC" 3 &&
        assert_eq "stderr" "$ERR" "" &&
        assert_eq "SARIF" "$(check_sarif "$T/s.sarif" "$T/report.json" 2>&1)" valid &&
        assert_eq "JUnit XML" "$(check_junit "$T/j.xml" "$T/report.json" 2>&1)" well-formed || return 1
    local g
    g=$(python3 -c '
import json, sys
import xml.etree.ElementTree as ET
r, = json.load(open(sys.argv[1]))["runs"][0]["results"]
loc = r["locations"][0]
suite = ET.parse(sys.argv[2]).getroot().find("testsuite")
print(r["ruleId"], loc["logicalLocations"][0]["fullyQualifiedName"], "region" in loc["physicalLocation"],
      "<&\"" in suite.get("name"), suite.get("name").endswith(">\\xff\\x01"))' "$T/s.sarif" "$T/j.xml")
    assert_eq "result, site, region; XML escapes" "$g" "lost planted-nodebug+0x$(field_offset) False True True"
}
# field_offset: the offset of planted's report() write site in the
# stripped run's JSON report (the module + offset code scanning gets).
field_offset() {
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["findings"][0]["site"]["offset"][2:])' \
        "$T/report.json"
}
subtest stripped stripped

# A finding set aside by --suppress stays a SARIF result, with a
# suppression (external, justified by the pattern's FILE:LINE), and is a
# skipped test case in JUnit, not a failure.
suppressed() {
    printf '# planted lost write\nclass=lost syscall=write\n' >"$T/supp"
    RUN_TIMEOUT=600 run "$E" explore --backend=seccomp --json -o "$T/r.json" -j2 --timeout $TMO -s write \
        --errno write=EIO --suppress "$T/supp" --sarif "$T/s.sarif" --junit "$T/j.xml" -- "$P" "$R/input"
    assert_eq "SARIF" "$(check_sarif "$T/s.sarif" "$T/r.json" 2>&1)" valid || return 1
    local g
    g=$(python3 - "$T/s.sarif" "$T/j.xml" "$T/r.json" "$T/supp" <<'EOF'
import json, sys, xml.etree.ElementTree as ET
sarif, junit, report, supp = sys.argv[1:5]
fs = json.load(open(report))["findings"]
sup = [f for f in fs if f["suppressed"]]
rs = json.load(open(sarif))["runs"][0]["results"]
marked = [r["suppressions"] for r in rs if "suppressions" in r]
suite = ET.parse(junit).getroot().find("testsuite")
skipped = [c for c in suite.iter("testcase") if c.find("skipped") is not None]
failed = [c for c in suite.iter("testcase") if c.find("failure") is not None]
print(len(sup) > 0 and all(f["class"] == "lost" for f in sup),
      marked == [[{"kind": "external", "justification": "errinj explore --suppress %s:2" % supp}]] * len(sup),
      suite.get("skipped") == str(len(sup)) == str(len(skipped)),
      suite.get("failures") == str(len(fs) - len(sup)) == str(len(failed)),
      all(("suppressed by: %s:2" % supp) in c.find("skipped").text for c in skipped))
EOF
)
    assert_eq "suppressed finding: lost, SARIF suppression, JUnit skipped, failures, text" "$g" "True True True True True"
}
subtest suppressed suppressed

# A --sarif or --junit file that cannot be written: said before any run,
# exit status 1; --merge takes both and no other option.
unwritable() {
    local nodir="No such file or directory"
    run "$E" explore --backend=seccomp --sarif "$T/no/such/dir.sarif" -- touch "$T/ran"
    assert_eq "--sarif: exit status" "$RC" 1 &&
        assert_match "--sarif: message" "$ERR" "^errinj: cannot open '?$T/no/such/dir.sarif'?: $nodir$" &&
        assert_eq "--sarif: the command ran" "$(ls "$T/ran" 2>/dev/null)" "" || return 1
    run "$E" explore --merge --junit "$T/no/such/dir.xml" "$R/report.json"
    assert_eq "merge --junit: exit status" "$RC" 1 &&
        assert_match "merge --junit: message" "$ERR" "^errinj: cannot open '?$T/no/such/dir.xml'?: $nodir$" || return 1
    run "$E" explore --merge --sarif "$T/m.sarif" --seed 1 "$R/report.json"
    assert_eq "merge --seed: exit status" "$RC" 2 &&
        assert_match "merge --seed: message" "$ERR" "takes only --json, -v and -o \(and --sarif, --junit\)"
}
subtest unwritable unwritable

done_testing
