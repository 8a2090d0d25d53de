#!/usr/bin/env python3
"""Writes a corpus of GitHub-style event batches for the peers comparison.

It is deliberately independent of benchgrid's own generator
(workloads/events/gen): another author's idea of the same shape
(docs/events.md), so that a
comparison against the Rust and C++ peers is not tuned to benchgrid's files.
Two shapes, as issue 13 measures them:

  mixed  20,042 files, about 100 MiB: a few KiB at the median (p50 ~3 KiB)
         and a long tail to a few hundred KiB, as GH Archive's hourly
         batches cut into files are.
  tiny   200,000 files of about 300 bytes: one or two small events each.

A few files in each corpus are bad on purpose (truncated, a missing member,
a fractional actor.id), so that every implementation's verdicts are
compared, not only its sums. The output is deterministic for a seed.

usage: peers-corpus.py {mixed|tiny} DIR [-seed S] [-files N]
"""

import argparse
import json
import os
import random
import sys

TYPES = [
    ("PushEvent", 46), ("CreateEvent", 14), ("PullRequestEvent", 9),
    ("IssueCommentEvent", 7), ("WatchEvent", 8), ("DeleteEvent", 4),
    ("IssuesEvent", 3), ("ForkEvent", 2), ("PullRequestReviewEvent", 2),
    ("ReleaseEvent", 1), ("GollumEvent", 1), ("MemberEvent", 1),
    ("PublicEvent", 1), ("PullRequestReviewCommentEvent", 1),
]
WORDS = ("fix add remove update refactor bump test docs build ci release "
         "parser cache config handler router error memory leak panic "
         "überarbeitet réparé 修复 исправлено ✓ 🚀 \"quoted\" back\\slash "
         "tab\there line\nbreak <html> & a/b").split(" ")


def pick_type(rng):
    total = sum(w for _, w in TYPES)
    r = rng.uniform(0, total)
    for t, w in TYPES:
        r -= w
        if r <= 0:
            return t
    return TYPES[0][0]


def text(rng, lo, hi):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi)))


class Gen:
    def __init__(self, rng, repos, actors):
        self.rng = rng
        self.repos = [f"org{rng.randint(0, 9999)}/{rng.choice(['api', 'web', 'core', 'cli', 'lib', 'docs'])}-{i}"
                      for i in range(repos)]
        self.actors = [(rng.randint(1, 160_000_000), f"user{i}") for i in range(actors)]
        self.next_id = 30_000_000_000

    def payload(self, typ, big):
        rng = self.rng
        if typ == "PushEvent":
            n = rng.choice([1, 1, 1, 2, 3]) if not big else rng.randint(1, 20)
            commits = [{"sha": "%040x" % rng.getrandbits(160),
                        "author": {"email": f"dev{rng.randint(0, 999)}@example.com", "name": text(rng, 1, 2)},
                        "message": text(rng, 2, 30 if big else 8), "distinct": True,
                        "url": "https://api.github.com/repos/x/y/commits/%08x" % rng.getrandbits(32)}
                       for _ in range(n)]
            return {"repository_id": rng.randint(1, 10**9), "push_id": rng.randint(1, 10**10),
                    "size": n, "distinct_size": n, "ref": "refs/heads/main",
                    "head": "%040x" % rng.getrandbits(160), "before": "%040x" % rng.getrandbits(160),
                    "commits": commits}
        if typ in ("IssueCommentEvent", "IssuesEvent", "PullRequestEvent", "PullRequestReviewEvent",
                   "PullRequestReviewCommentEvent"):
            body = text(rng, 5, 400 if big else 20)
            return {"action": rng.choice(["opened", "closed", "created", "reopened"]),
                    "number": rng.randint(1, 50000),
                    "issue": {"title": text(rng, 2, 8), "body": body, "labels": [{"name": "bug", "color": "d73a4a"}],
                              "state": "open", "locked": False, "comments": rng.randint(0, 40),
                              "user": {"login": "someone", "id": rng.randint(1, 10**8), "site_admin": False},
                              "reactions": {"+1": rng.randint(0, 5), "-1": 0, "total_count": 1}}}
        if typ == "CreateEvent":
            return {"ref": "feature/" + str(rng.randint(0, 999)), "ref_type": "branch",
                    "master_branch": "main", "description": text(rng, 0, 6), "pusher_type": "user"}
        if typ == "ReleaseEvent":
            return {"action": "published", "release": {"tag_name": "v1.%d" % rng.randint(0, 99),
                                                       "body": text(rng, 10, 200), "draft": False,
                                                       "assets": [{"size": rng.randint(1, 10**7)}] * rng.randint(0, 4)}}
        return {"action": "started"} if typ == "WatchEvent" else {}

    def event(self, big=False, small=False):
        rng = self.rng
        typ = pick_type(rng)
        aid, login = rng.choice(self.actors)
        repo = rng.choice(self.repos)
        self.next_id += rng.randint(1, 50)
        ts = "2026-%02d-%02dT%02d:%02d:%02dZ" % (rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23),
                                                  rng.randint(0, 59), rng.randint(0, 59))
        if small:
            ev = {"type": typ, "actor": {"id": aid, "login": login}, "repo": {"name": repo},
                  "public": True, "created_at": ts}
            if typ == "PushEvent":
                ev["payload"] = {"size": rng.randint(0, 4)}
            ev["id"] = str(self.next_id)
            return ev
        return {"id": str(self.next_id), "type": typ,
                "actor": {"id": aid, "login": login, "display_login": login, "gravatar_id": "",
                          "url": "https://api.github.com/users/" + login,
                          "avatar_url": "https://avatars.githubusercontent.com/u/%d?" % aid},
                "repo": {"id": rng.randint(1, 10**9), "name": repo, "url": "https://api.github.com/repos/" + repo},
                "payload": self.payload(typ, big), "public": True, "created_at": ts}


def bad(rng, doc):
    kind = rng.randrange(4)
    if kind == 0:
        return doc[: max(1, len(doc) // 2)]  # truncated
    obj = json.loads(doc)
    if not obj["events"]:
        return doc + "x"
    e = obj["events"][0]
    if kind == 1:
        del e["created_at"]
    elif kind == 2:
        return json.dumps(obj, ensure_ascii=False).replace('"id": %d' % e["actor"]["id"],
                                                           '"id": %d.5' % e["actor"]["id"], 1)
    else:
        e["type"] = 7
    return json.dumps(obj, ensure_ascii=False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("shape", choices=["mixed", "tiny"])
    ap.add_argument("dir")
    ap.add_argument("-seed", type=int, default=20261201)
    ap.add_argument("-files", type=int, default=0)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    files = a.files or (20042 if a.shape == "mixed" else 200000)
    gen = Gen(rng, repos=5000 if a.shape == "mixed" else 20000, actors=20000)
    per_dir = 400 if a.shape == "mixed" else 1000
    os.makedirs(a.dir, exist_ok=True)
    total = 0
    for i in range(files):
        if a.shape == "tiny":
            evs = [gen.event(small=True) for _ in range(rng.choice([1, 1, 2]))]
            doc = json.dumps({"batch": i, "events": evs}, ensure_ascii=False, separators=(",", ":"))
        else:
            r = rng.random()
            if r < 0.92:
                n, big = rng.randint(2, 4), False
            elif r < 0.996:
                n, big = rng.randint(4, 25), rng.random() < 0.2
            else:
                n, big = rng.randint(40, 140), True
            evs = [gen.event(big=big) for _ in range(n)]
            doc = json.dumps({"batch": i, "source": "peers-corpus/1", "events": evs}, ensure_ascii=False,
                             indent=rng.choice([None, None, 1]))
        if rng.random() < 0.002:
            doc = bad(rng, doc)
        d = os.path.join(a.dir, "part-%03d" % (i // per_dir))
        if i % per_dir == 0:
            os.makedirs(d, exist_ok=True)
        data = doc.encode("utf-8")
        with open(os.path.join(d, "batch-%06d.json" % i), "wb") as f:
            f.write(data)
        total += len(data)
    print(f"{a.dir}: {files} files, {total} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
