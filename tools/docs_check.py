#!/usr/bin/python3
"""tools/docs_check.py - check that the docs point at things that exist.

Usage:  tools/docs_check.py [FILE.md ...]    (default: README.md, docs/*.md)

In every Markdown file given it checks:
  - each `path:function` reference (as the concept map in docs/README.md
    writes them: `kernel/proc/fork.c:proc_fork`) names a file that exists
    and a definition of that function in it (a C function or SYSCALL(x),
    an assembly label, a Python def);
  - each link to another page (`[text](PAGE.md)`, `[text](PAGE.md#anchor)`,
    `[text](#anchor)`) reaches a page that exists and a heading whose
    GitHub-style anchor is the one given.
Prints one line per problem and "docs: N problems" last; exits 1 if any.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUNC_REF_RE = re.compile(r"`([\w/.\-]+\.(?:c|S|py|h)):([\w()]+)`")
LINK_RE = re.compile(r"\]\(((?:[\w.\-]+/)*[\w.\-]+\.md)?(?:#([\w\-]+))?\)")


def slug(heading):
    """GitHub's anchor for a heading's text."""
    h = heading.strip().lower()
    h = re.sub(r"[^\w\- ]", "", h)
    return h.replace(" ", "-")


def anchors_of(path, cache={}):
    if path not in cache:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except OSError:
            cache[path] = None
            return None
        text = re.sub(r"```.*?```", "", text, flags=re.S)  # code is no heading
        cache[path] = {slug(l.lstrip("#")) for l in text.splitlines()
                       if l.startswith("#")}
    return cache[path]


def has_definition(path, name):
    full = os.path.join(ROOT, path)
    if not os.path.isfile(full):
        return "no such file"
    with open(full, encoding="utf-8", errors="replace") as f:
        text = f.read()
    if path.endswith(".S"):
        ok = re.search(r"^%s:" % re.escape(name), text, re.M)
    elif path.endswith(".py"):
        ok = re.search(r"^\s*def %s\(" % re.escape(name), text, re.M)
    else:
        m = re.match(r"SYSCALL\((\w+)\)$", name)
        if m:
            ok = re.search(r"^SYSCALL\(%s\)\s*$" % m.group(1), text, re.M)
        else:
            ok = re.search(r"^[A-Za-z_].*\b%s\([^;]*$" % re.escape(name),
                           text, re.M) or \
                re.search(r"^#define %s\b" % re.escape(name), text, re.M)
    return None if ok else "no definition of %s" % name


def check(doc):
    problems = []
    with open(doc, encoding="utf-8") as f:
        text = f.read()
    rel = os.path.relpath(doc, ROOT)
    for path, name in FUNC_REF_RE.findall(text):
        why = has_definition(path, name)
        if why:
            problems.append("%s: `%s:%s`: %s" % (rel, path, name, why))
    for target, anchor in LINK_RE.findall(text):
        page = os.path.normpath(os.path.join(os.path.dirname(doc), target)) \
            if target else doc
        anchors = anchors_of(page)
        if anchors is None:
            problems.append("%s: link to %s: no such page" % (rel, target))
        elif anchor and anchor not in anchors:
            problems.append("%s: link to %s#%s: no such heading"
                            % (rel, target or "", anchor))
    return problems


def main(argv):
    docs = argv or [os.path.join(ROOT, "README.md")] + sorted(
        os.path.join(ROOT, "docs", f) for f in os.listdir(os.path.join(ROOT, "docs"))
        if f.endswith(".md"))
    problems = [p for d in docs for p in check(d)]
    for p in problems:
        print(p)
    print("docs: %d problems" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
